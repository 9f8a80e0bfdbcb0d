package io.llmgateway.observe;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The since-start counts of the requests that share one combination of the labels the views group by.
 * A key is compared by its fields; a shard looks its tallies up with one reused mutable probe and stores
 * a copy, so a label set seen before costs no allocation.
 */
final class Tally {
    static final int REQUESTS = 0;
    static final int PROMPT_TOKENS = 1;
    static final int COMPLETION_TOKENS = 2;
    /** Total tokens as /api/usage counts them: within [0, SlidingWindowCounter.MAX_AMOUNT]. */
    static final int USAGE_TOKENS = 3;

    static final int FAILOVERS = 4;
    /** Prompt tokens the provider wrote to, and read from, its prompt cache. */
    static final int CACHE_CREATION_TOKENS = 5;

    static final int CACHE_READ_TOKENS = 6;
    static final int WIDTH = 7;

    /** The cells of a (provider, outcome) tally: attempts, and the tokens of the answers among them. */
    static final int ATTEMPTS = 0;

    static final int ANSWER_TOKENS = 1;
    static final int ATTEMPT_WIDTH = 2;

    private Tally() {}

    /** The labels of a tally. Fields are set only on a shard's probe; stored keys are copies. */
    static final class Key {
        /** The model asked for, as a label ({@link ModelLabels#model}). */
        String modelAsked;
        /** The model a usage row counts: the one that answered, else the one asked for, as a label. */
        String modelCounted;
        /** The provider that answered last, as a label ({@link ModelLabels#provider}). */
        String provider;

        int status;
        /** Null on success. */
        String errorType;

        boolean tokensEstimated;

        Key set(
                String modelAsked,
                String modelCounted,
                String provider,
                int status,
                String errorType,
                boolean tokensEstimated) {
            this.modelAsked = modelAsked;
            this.modelCounted = modelCounted;
            this.provider = provider;
            this.status = status;
            this.errorType = errorType;
            this.tokensEstimated = tokensEstimated;
            return this;
        }

        Key copy() {
            return new Key().set(modelAsked, modelCounted, provider, status, errorType, tokensEstimated);
        }

        boolean failed() {
            return errorType != null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && status == k.status
                    && tokensEstimated == k.tokensEstimated
                    && modelAsked.equals(k.modelAsked)
                    && modelCounted.equals(k.modelCounted)
                    && provider.equals(k.provider)
                    && Objects.equals(errorType, k.errorType);
        }

        @Override
        public int hashCode() {
            int h = modelAsked.hashCode();
            h = 31 * h + modelCounted.hashCode();
            h = 31 * h + provider.hashCode();
            h = 31 * h + status;
            h = 31 * h + (errorType == null ? 0 : errorType.hashCode());
            return 31 * h + (tokensEstimated ? 1 : 0);
        }
    }

    /** Adds {@code n} to a cell that only the calling thread writes. */
    static void add(AtomicLongArray cells, int cell, long n) {
        cells.setRelease(cell, cells.getPlain(cell) + n);
    }
}
