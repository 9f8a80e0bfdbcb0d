package io.llmgateway.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.netty.buffer.ByteBuf;

/**
 * What the readers of a client's request body share: the parser's bounds, and the body as a heap array (a
 * parser reads an array faster than a direct buffer). A heap body is read in place; a direct one is copied to
 * an array per thread that the caller reads before it returns, and that no other read of a body on the same
 * thread overwrites in the meantime (the readers never nest).
 */
public final class RequestJson {
    /** Deeper bodies are refused; real requests (tool schemas included) stay far below. */
    public static final int MAX_NESTING_DEPTH = 64;

    /** The client's error for a body over the parser's bounds. */
    public static final String TOO_DEEP = "The JSON body of your request is nested too deeply or too large"
            + " (max nesting depth " + MAX_NESTING_DEPTH + ").";

    private static final ThreadScratch SCRATCH = new ThreadScratch(4096, 64 * 1024);

    private RequestJson() {}

    /** A factory builder with the request bounds: nesting up to {@link #MAX_NESTING_DEPTH}, no interned names. */
    public static JsonFactoryBuilder factoryBuilder() {
        return new JsonFactoryBuilder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .build())
                // Field names are client-chosen: never String.intern() them.
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES);
    }

    /** The array holding {@code body}'s readable bytes from {@link #offset}; {@code body} is not consumed. */
    public static byte[] array(ByteBuf body) {
        return body.hasArray() ? body.array() : SCRATCH.copy(body, body.readerIndex(), body.readableBytes());
    }

    /** Where {@code body}'s readable bytes start in {@link #array}. */
    public static int offset(ByteBuf body) {
        return body.hasArray() ? body.arrayOffset() + body.readerIndex() : 0;
    }
}
