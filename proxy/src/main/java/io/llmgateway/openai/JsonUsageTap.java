package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.util.JsonUsageScanner;
import io.llmgateway.util.ThreadScratch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Finds the top-level {@code usage} object of a non-streaming response while the body passes through, chunk
 * by chunk ({@link JsonUsageScanner}), and reads OpenAI's counters from it. One instance per response, used
 * from one thread.
 */
public final class JsonUsageTap implements AnswerTap {
    /** The counters {@link UsageBuilder} knows; a key of {@code usage} is compared with these. */
    private static final String[] COUNTERS = {
        "prompt_tokens", "completion_tokens", "total_tokens", "input_tokens", "output_tokens"
    };
    /** The objects of {@code usage} whose counters are read too: where OpenAI reports cached prompt tokens. */
    private static final byte[][] DETAILS = {
        "prompt_tokens_details".getBytes(US_ASCII), "input_tokens_details".getBytes(US_ASCII)
    };
    /** The one counter read in {@link #DETAILS}, reported as counter {@code COUNTERS.length}. */
    private static final String CACHED = "cached_tokens";

    private static final byte[][] DETAIL_COUNTERS = {CACHED.getBytes(US_ASCII)};

    private static final byte[][] COUNTER_BYTES = new byte[COUNTERS.length][];
    /** Chunks are copied to a heap array, then scanned: a chunk is done when onChunk returns. */
    private static final ThreadScratch SCRATCH = new ThreadScratch(4096, 64 * 1024);

    static {
        for (int i = 0; i < COUNTERS.length; i++) {
            COUNTER_BYTES[i] = COUNTERS[i].getBytes(US_ASCII);
        }
    }

    private final UsageBuilder builder = new UsageBuilder();
    private final JsonUsageScanner scanner = new JsonUsageScanner(
            COUNTER_BYTES,
            DETAILS,
            DETAIL_COUNTERS,
            (counter, value) -> builder.accept(counter < COUNTERS.length ? COUNTERS[counter] : CACHED, value));
    private Usage usage;

    /** Reads {@code chunk}'s readable bytes and returns it as it is; neither consumes nor releases it. Never throws. */
    @Override
    public ByteBuf onChunk(ByteBuf chunk) {
        if (scanner.done() || chunk == null || !chunk.isReadable()) {
            return chunk;
        }
        int len = chunk.readableBytes();
        try {
            scanner.scan(SCRATCH.copy(chunk, chunk.readerIndex(), len), len);
        } catch (RuntimeException e) {
            scanner.stop(); // a bug here must not break the response it only watches
        }
        if (scanner.usageEnded() && usage == null) {
            usage = builder.build();
        }
        return chunk;
    }

    /** Nothing is held back. */
    @Override
    public ByteBuf onEnd() {
        return Unpooled.EMPTY_BUFFER;
    }

    /** No count of its own: an answer without usage is charged its prompt only. */
    @Override
    public long completionTokensEstimate() {
        return 0;
    }

    /** The body passes unchanged: the caller keeps its raw bytes instead. */
    @Override
    public void captureText(int maxChars) {}

    @Override
    public String capturedText() {
        return null;
    }

    @Override
    public void release() {}

    /** The response's usage, or {@code null} if none was found (yet). */
    @Override
    public Usage usage() {
        return usage;
    }
}
