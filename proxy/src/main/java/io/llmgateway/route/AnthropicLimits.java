package io.llmgateway.route;

import io.llmgateway.route.LearnedLimits.HeaderNames;
import io.llmgateway.route.LearnedLimits.Observation;
import io.netty.util.AsciiString;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * Anthropic's rate-limit headers: {@code anthropic-ratelimit-requests-*} and, for tokens, {@code -tokens-*}
 * (the most restrictive limit in effect) beside {@code -input-tokens-*} and {@code -output-tokens-*}, each
 * with {@code -limit}, {@code -remaining} and {@code -reset}, the reset an RFC 3339 time. The tokens
 * dimension takes the tightest of the three, since whichever runs out first stops the provider.
 */
final class AnthropicLimits {
    static final HeaderNames REQUESTS = names("requests");
    private static final HeaderNames TOKENS = names("tokens");
    private static final HeaderNames INPUT_TOKENS = names("input-tokens");
    private static final HeaderNames OUTPUT_TOKENS = names("output-tokens");

    private AnthropicLimits() {}

    /** The tightest tokens observation among the three families; null when none was sent. */
    static Observation tokens(Function<AsciiString, String> headers, long now) {
        Observation t = Observation.parse(headers, TOKENS, now);
        t = tighter(t, Observation.parse(headers, INPUT_TOKENS, now), now);
        return tighter(t, Observation.parse(headers, OUTPUT_TOKENS, now), now);
    }

    /** The one that stops the provider first: an exhausted one (the later reset of two), else the lower fraction. */
    static Observation tighter(Observation a, Observation b, long now) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        boolean aOut = a.exhausted(now);
        if (aOut != b.exhausted(now)) {
            return aOut ? a : b;
        }
        if (aOut) {
            return a.until() >= b.until() ? a : b;
        }
        return a.fraction(now) <= b.fraction(now) ? a : b;
    }

    /**
     * Milliseconds from {@code now} to the RFC 3339 time {@code value} ({@code 2025-01-01T00:00:30Z}), 0 when it
     * has passed; -1 when absent or malformed.
     */
    static long millisUntil(String value, long now) {
        if (value == null) {
            return -1;
        }
        try {
            long at = OffsetDateTime.parse(value.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant()
                    .toEpochMilli();
            return Math.max(0, at - now);
        } catch (DateTimeParseException | ArithmeticException e) {
            return -1;
        }
    }

    private static HeaderNames names(String what) {
        String prefix = "anthropic-ratelimit-" + what;
        return new HeaderNames(
                AsciiString.cached(prefix + "-remaining"),
                AsciiString.cached(prefix + "-limit"),
                AsciiString.cached(prefix + "-reset"),
                true);
    }
}
