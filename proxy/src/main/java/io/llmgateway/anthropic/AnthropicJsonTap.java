package io.llmgateway.anthropic;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.llmgateway.protocol.JsonAnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.util.JsonUsageScanner;
import io.netty.buffer.ByteBuf;

/**
 * Finds the {@code usage} of a Messages answer (not streamed) while it passes through unchanged, chunk by chunk
 * ({@link JsonUsageScanner}). One instance per answer, used from one thread.
 */
final class AnthropicJsonTap extends JsonAnswerTap {
    private static final byte[][] COUNTER_BYTES = new byte[AnthropicUsage.COUNTERS.length][];

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
        scanner.scan(chunk);
        return chunk;
    }

    /** The answer's usage once its {@code usage} object ended, else null. */
    @Override
    public Usage usage() {
        return scanner.usageEnded() ? counters.build() : null;
    }
}
