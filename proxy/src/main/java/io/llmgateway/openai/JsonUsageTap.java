package io.llmgateway.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;

/**
 * Finds the top-level {@code usage} object of a non-streaming response while the body passes
 * through, chunk by chunk, with Jackson's non-blocking parser: nothing is buffered except the token
 * being read (so a single huge string value is held whole by the parser, as text). Parsing stops at
 * the end of {@code usage} or at the first error; a body that is not JSON just yields no usage.
 * One instance per response, used from one thread.
 */
public final class JsonUsageTap {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private JsonParser parser;
    private ByteArrayFeeder feeder;
    // The parser reads from a heap array: fed from a direct ByteBuffer it went through ByteBuffer.get(int)
    // per byte, a sixth of the gateway's Java time on small JSON responses. Each chunk is copied here.
    /*
     * The parser reads each chunk from a heap array (a direct buffer read byte by byte was slower). One array
     * per thread instead of one per response: a chunk is parsed completely before onChunk returns.
     */
    private static final int MAX_KEPT_SCRATCH = 64 * 1024;
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[4096];
        }
    };
    private int depth;
    private boolean usageNext;
    private boolean inUsage;
    private String field;
    private final UsageBuilder builder = new UsageBuilder();
    private Usage usage;

    public JsonUsageTap() {
        try {
            parser = FACTORY.createNonBlockingByteArrayParser();
            feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@code chunk}'s readable bytes; neither consumes nor releases it. Never throws. */
    public void onChunk(ByteBuf chunk) {
        if (parser == null || chunk == null || !chunk.isReadable()) {
            return;
        }
        try {
            int len = chunk.readableBytes();
            byte[] scratch = SCRATCH.get();
            if (scratch.length < len) {
                scratch = new byte[len];
                if (len <= MAX_KEPT_SCRATCH) {
                    SCRATCH.set(scratch);
                }
            }
            chunk.getBytes(chunk.readerIndex(), scratch, 0, len);
            feed(scratch, len);
        } catch (IOException | RuntimeException e) {
            stop();
        }
    }

    /** The response's usage, or {@code null} if none was found (yet). */
    public Usage usage() {
        return usage;
    }

    private void feed(byte[] b, int len) throws IOException {
        // Every token of the previous input was read (NOT_AVAILABLE), so the parser no longer reads the array.
        feeder.feedInput(b, 0, len);
        JsonToken t;
        while (parser != null && (t = parser.nextToken()) != JsonToken.NOT_AVAILABLE) {
            if (t == null) {
                stop();
                return;
            }
            token(t);
        }
    }

    private void token(JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT, START_ARRAY -> {
                if (depth == 0 && t != JsonToken.START_OBJECT) {
                    stop();
                    return;
                }
                depth++;
                if (usageNext && depth == 2) {
                    inUsage = t == JsonToken.START_OBJECT;
                }
                usageNext = false;
            }
            case END_OBJECT, END_ARRAY -> {
                if (inUsage && depth == 2) {
                    usage = builder.build();
                    stop(); // nothing after usage matters
                    return;
                }
                if (--depth == 0) {
                    stop();
                }
            }
            case FIELD_NAME -> {
                if (inUsage) {
                    field = depth == 2 ? parser.currentName() : null;
                } else if (depth == 1) {
                    usageNext = "usage".equals(parser.currentName());
                }
            }
            case VALUE_NUMBER_INT -> {
                if (inUsage && depth == 2 && field != null) {
                    builder.accept(field, parser.getLongValue());
                }
                usageNext = false;
            }
            default -> usageNext = false;
        }
    }

    private void stop() {
        JsonParser p = parser;
        parser = null;
        feeder = null;
        if (p != null) {
            try {
                p.close();
            } catch (IOException ignored) {
                // nothing is held open
            }
        }
    }
}
