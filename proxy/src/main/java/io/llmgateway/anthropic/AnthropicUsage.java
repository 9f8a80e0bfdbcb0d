package io.llmgateway.anthropic;

import io.llmgateway.protocol.Usage;

/**
 * The counters of Anthropic's {@code usage} objects as they arrive (a stream reports them in
 * {@code message_start} and again, cumulative, in {@code message_delta}), turned into a {@link Usage}: the
 * prompt is input plus cache creation plus cache read tokens; the total, what counts against the provider's
 * token limits, leaves cache reads out, as Anthropic's limits do.
 */
final class AnthropicUsage {
    static final String[] COUNTERS = {
        "input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"
    };
    static final int INPUT = 0;
    static final int OUTPUT = 1;
    static final int CACHE_CREATION = 2;
    static final int CACHE_READ = 3;

    private final long[] values = {-1, -1, -1, -1};

    /** Takes counter {@code index} of {@link #COUNTERS}; a negative value is ignored. */
    void accept(int index, long value) {
        if (value >= 0) {
            values[index] = value;
        }
    }

    /** Takes the counter named {@code name}, if it is one of {@link #COUNTERS}. */
    void accept(String name, long value) {
        for (int i = 0; i < COUNTERS.length; i++) {
            if (COUNTERS[i].equals(name)) {
                accept(i, value);
                return;
            }
        }
    }

    /** Whether any counter was read. */
    boolean any() {
        for (long v : values) {
            if (v >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code output_tokens} was read. */
    boolean hasOutput() {
        return values[OUTPUT] >= 0;
    }

    /** The usage read, with {@code completion} generated tokens; null when nothing was read. */
    Usage build(long completion, boolean estimated) {
        if (!any()) {
            return null;
        }
        long creation = Math.max(values[CACHE_CREATION], 0);
        long read = Math.max(values[CACHE_READ], 0);
        long input = Math.max(values[INPUT], 0);
        return new Usage(input + creation + read, completion, input + creation + completion, estimated, creation, read);
    }

    /** The usage read, with the output tokens reported; null when nothing was read. */
    Usage build() {
        return build(Math.max(values[OUTPUT], 0), false);
    }
}
