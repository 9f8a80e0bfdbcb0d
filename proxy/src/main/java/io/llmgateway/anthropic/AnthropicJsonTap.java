package io.llmgateway.anthropic;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.llmgateway.protocol.AnswerFacts;
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

    /** The answer's own id and model, and its stop reason: keys of the root object. */
    private static final byte[][] FACT_KEYS = {
        "id".getBytes(US_ASCII), "model".getBytes(US_ASCII), "stop_reason".getBytes(US_ASCII)
    };

    private final AnthropicUsage counters = new AnthropicUsage();
    private final JsonUsageScanner scanner = new JsonUsageScanner(COUNTER_BYTES, counters::accept);

    /** Reads {@code chunk} and returns it as it is. Never throws. */
    @Override
    public ByteBuf onChunk(ByteBuf chunk) {
        scanner.scan(chunk);
        return chunk;
    }

    /** Reads the facts on the scan that finds the usage, which then reads on to the answer's end. */
    @Override
    public boolean noteFacts(AnswerFacts into) {
        scanner.captureValues(FACT_KEYS, new byte[0][], (key, value) -> {
            switch (key) {
                case 0 -> into.id(value);
                case 1 -> into.model(value);
                default -> into.finishReason(value);
            }
        });
        return true;
    }

    /** The answer's usage once its {@code usage} object ended, else null. */
    @Override
    public Usage usage() {
        return scanner.usageEnded() ? counters.build() : null;
    }
}
