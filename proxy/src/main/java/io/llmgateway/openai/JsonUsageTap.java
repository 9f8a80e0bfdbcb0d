package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.llmgateway.protocol.AnswerFacts;
import io.llmgateway.protocol.JsonAnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.util.JsonUsageScanner;
import io.netty.buffer.ByteBuf;

/**
 * Finds the top-level {@code usage} object of a non-streaming response while the body passes through, chunk
 * by chunk ({@link JsonUsageScanner}), and reads OpenAI's counters from it. One instance per response, used
 * from one thread.
 */
public final class JsonUsageTap extends JsonAnswerTap {
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

    /** The answer's own id and model (root keys 0 and 1), and each choice's finish reason (2). */
    private static final byte[][] FACT_KEYS = {"id".getBytes(US_ASCII), "model".getBytes(US_ASCII)};

    private static final byte[][] CHOICE_FACT_KEYS = {"finish_reason".getBytes(US_ASCII)};

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
        if (chunk != null) {
            scanner.scan(chunk);
        }
        if (scanner.usageEnded() && usage == null) {
            usage = builder.build();
        }
        return chunk;
    }

    /** Reads the facts on the scan that finds the usage, which then reads on to the answer's end. */
    @Override
    public boolean noteFacts(AnswerFacts into) {
        scanner.captureValues(FACT_KEYS, CHOICE_FACT_KEYS, (key, value) -> {
            switch (key) {
                case 0 -> into.id(value);
                case 1 -> into.model(value);
                default -> into.finishReason(value);
            }
        });
        return true;
    }

    /** The response's usage, or {@code null} if none was found (yet). */
    @Override
    public Usage usage() {
        return usage;
    }
}
