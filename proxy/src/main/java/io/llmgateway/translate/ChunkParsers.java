package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonParser;
import io.llmgateway.util.PerThreadPool;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The non-blocking parsers that read a stream's events one after another. A stream that ends gives its parser
 * back when it stands between two events (a parser keeps no state of a finished event), and the next stream on
 * the thread reads on with it instead of building its own.
 */
final class ChunkParsers {
    private static final PerThreadPool<JsonParser> POOL = new PerThreadPool<>(256, ChunkParsers::newParser);

    private ChunkParsers() {}

    /** One of this thread's parsers, or a new one. */
    static JsonParser take() {
        return POOL.take();
    }

    /** Keeps {@code p}, which stands between two events, for the next stream on this thread. */
    static void give(JsonParser p) {
        POOL.give(p);
    }

    /** Frees {@code p}, which may be in the middle of an event. */
    static void close(JsonParser p) {
        try {
            p.close();
        } catch (IOException e) {
            // nothing to free but the parser
        }
    }

    private static JsonParser newParser() {
        try {
            return MessagesViaChatSource.FACTORY.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // nothing is read yet: nothing can fail
        }
    }
}
