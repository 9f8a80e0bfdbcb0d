package io.llmgateway.config;

/**
 * A provider's rate limits as written under {@code api_provider.NAME.limits}. An absent limit is
 * {@link #UNLIMITED}, so the hot path compares plain longs and never unboxes.
 *
 * @param rpm requests per minute (sliding 60 s window)
 * @param tpm tokens per minute (sliding 60 s window)
 * @param rpd requests per day (calendar day or rolling 24 h, see {@link RoutingSettings})
 * @param tpr the most tokens a single request may use (prompt estimate plus requested completion)
 */
public record Limits(long rpm, long tpm, long rpd, long tpr) {
    /** The value of a limit that is not configured. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    public static final Limits NONE = new Limits(UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED);

    public Limits {
        requirePositive(rpm, "rpm");
        requirePositive(tpm, "tpm");
        requirePositive(rpd, "rpd");
        requirePositive(tpr, "tpr");
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
