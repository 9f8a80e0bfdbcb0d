package io.llmgateway.anthropic;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.util.JsonUsageScanner;
import io.llmgateway.util.ThreadScratch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Finds the {@code usage} of a Messages answer (not streamed) while it passes through unchanged, chunk by chunk
 * ({@link JsonUsageScanner}). One instance per answer, used from one thread.
 */
final class AnthropicJsonTap implements AnswerTap {
    private static final byte[][] COUNTER_BYTES = new byte[AnthropicUsage.COUNTERS.length][];
    /** Chunks are copied to a heap array, then scanned: a chunk is done when onChunk returns. */
    private static final ThreadScratch SCRATCH = new ThreadScratch(4096, 64 * 1024);

    static {
        for (int i = 0; i < COUNTER_BYTES.length; i++) {
            COUNTER_BYTES[i] = AnthropicUsage.COUNTERS[i].getBytes(US_ASCII);
        }
    }

    private final AnthropicUsage counters = new AnthropicUsage();
    private final JsonUsageScanner scanner = new JsonUsageScanner(COUNTER_BYTES, counters::accept);

    /** Reads {@code chunk} and returns it as it is. Never throws. */
    @Override
    public ByteBuf onChunk(ByteBuf chunk) {
        if (scanner.done() || !chunk.isReadable()) {
            return chunk;
        }
        int len = chunk.readableBytes();
        try {
            scanner.scan(SCRATCH.copy(chunk, chunk.readerIndex(), len), len);
        } catch (RuntimeException e) {
            scanner.stop(); // a bug here must not break the answer it only watches
        }
        return chunk;
    }

    @Override
    public ByteBuf onEnd() {
        return Unpooled.EMPTY_BUFFER;
    }

    /** The answer's usage once its {@code usage} object ended, else null. */
    @Override
    public Usage usage() {
        return scanner.usageEnded() ? counters.build() : null;
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
}
