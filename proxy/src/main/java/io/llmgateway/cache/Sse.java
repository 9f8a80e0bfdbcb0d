package io.llmgateway.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.llmgateway.sse.SseFramer;
import io.llmgateway.util.RequestJson;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** What the answer shapes share: reading a captured event stream, and JSON in and out. */
final class Sse {
    static final JsonFactory JSON = RequestJson.factoryBuilder().build();
    /** The biggest event read back; an answer with a bigger one is not stored. */
    private static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private Sse() {}

    /** Receives each event's data. */
    interface EventSink {
        /** @return false to stop: the stream is not storable */
        boolean event(byte[] data, int length) throws IOException;
    }

    /** Feeds each event of {@code stream} (not consumed) to {@code sink}; false when one was refused or too big. */
    static boolean events(ByteBuf stream, EventSink sink) {
        SseFramer framer = new SseFramer(MAX_EVENT_BYTES);
        try {
            framer.begin(stream);
            while (framer.nextEvent() >= 0) {
                if (framer.overflowed()) {
                    return false;
                }
                if (framer.dataLength() > 0 && !sink.event(framer.data(), framer.dataLength())) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            framer.release();
        }
    }

    static JsonParser parser(byte[] data, int length) throws IOException {
        return JSON.createParser(data, 0, length);
    }

    /** The current value of {@code p} (an object, an array or a scalar) as JSON text. */
    static String raw(JsonParser p) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.copyCurrentStructure(p);
        }
        return w.toString();
    }

    static boolean isDone(byte[] data, int length) {
        return length == 6 && new String(data, 0, length, StandardCharsets.US_ASCII).equals("[DONE]");
    }

    /** A generator into {@code out}. */
    static JsonGenerator generator(ByteArrayOutputStream out) throws IOException {
        return JSON.createGenerator(out);
    }

    /** {@code data: JSON} and the blank line, appended to {@code out}. */
    static void event(ByteArrayOutputStream out, String name, byte[] json) {
        if (name != null) {
            out.writeBytes(("event: " + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(json);
        out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
    }
}
