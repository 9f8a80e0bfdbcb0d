package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * Where this instance's rate-limit counters and provider health live right now, for the admin page and
 * metrics ({@link Router#storeStatus()}).
 *
 * @param mode memory (no {@code limits_store}), shared (Redis answers) or fallback (Redis configured but
 *             unreachable or slow: local counters with {@code limits_store_fallback_share} of each limit)
 * @param location the store without credentials ({@code redis://host:6379/0}), or {@code memory}
 * @param sinceEpochMillis when this mode began
 * @param detail why this instance is in fallback (the last error), else empty
 */
public record StoreStatus(Mode mode, String location, long sinceEpochMillis, String detail) {

    public StoreStatus {
        requireNonNull(mode, "mode");
        requireNonNull(location, "location");
        requireNonNull(detail, "detail");
    }

    /** True when every instance sees the same counts (the store answers). */
    public boolean shared() {
        return mode == Mode.SHARED;
    }

    /** The counters' mode. */
    public enum Mode {
        /** No shared store is configured: this process counts alone (one instance). */
        MEMORY,
        /** Counters and health are shared through Redis: admission is exact across instances. */
        SHARED,
        /** A shared store is configured but does not answer: local counters with a share of each limit. */
        FALLBACK;

        /** {@code memory}, {@code shared} or {@code fallback}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
