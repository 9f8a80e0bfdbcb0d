package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.function.Function;

/**
 * What a provider's own rate-limit headers ({@code x-ratelimit-*}, OpenAI's convention, also used by
 * Groq, Together, DeepSeek and others; or Anthropic's {@code anthropic-ratelimit-*}, {@link AnthropicLimits})
 * said about its remaining capacity.
 *
 * <p>Design notes. Each dimension (requests, tokens) is one immutable observation swapped in by a
 * volatile write, so readers on the admission path see remaining, limit and reset time consistently
 * and never lock. An observation only lowers our view of the provider until its reset time; without a
 * parseable reset header it is trusted for {@link #DEFAULT_VALIDITY_MILLIS} (one rpm window).
 */
final class LearnedLimits {

    static final long DEFAULT_VALIDITY_MILLIS = 60_000;

    private volatile Observation requests = Observation.NONE;
    private volatile Observation tokens = Observation.NONE;

    /** @param headers maps a lower-case header name to its value or null */
    void observe(Function<String, String> headers, long now) {
        requireNonNull(headers, "headers");
        observeNamed(name -> headers.apply(name.toString()), now);
    }

    /**
     * Reads a provider's answer headers. The names are {@link AsciiString}s, whose case-insensitive hash Netty's
     * header map takes from a field, so the long header names are not hashed again for every answer.
     */
    void observe(HttpHeaders headers, long now) {
        requireNonNull(headers, "headers");
        observeNamed(headers::get, now);
    }

    private void observeNamed(Function<AsciiString, String> headers, long now) {
        Observation r = Observation.parse(headers, Observation.REQUESTS, now);
        Observation t = Observation.parse(headers, Observation.TOKENS, now);
        if (r == null && t == null) {
            // Anthropic's names only when OpenAI's are absent: an answer that has them is spared the lookups.
            r = Observation.parse(headers, AnthropicLimits.REQUESTS, now);
            t = AnthropicLimits.tokens(headers, now);
        }
        if (r != null) {
            requests = r;
        }
        if (t != null) {
            tokens = t;
        }
    }

    /** True while the provider said it has nothing left (remaining 0) and its reset has not come. */
    boolean blocked(long now) {
        return requests.exhausted(now) || tokens.exhausted(now);
    }

    /** Milliseconds until no exhausted observation blocks the provider. */
    long millisUntilUnblocked(long now) {
        long r = requests.exhausted(now) ? requests.until - now : 0;
        long t = tokens.exhausted(now) ? tokens.until - now : 0;
        return Math.max(r, t);
    }

    /** The smaller remaining fraction the provider reported, 1.0 when it reported nothing still valid. */
    double fraction(long now) {
        return Math.min(requests.fraction(now), tokens.fraction(now));
    }

    Observation requests() {
        return requests;
    }

    Observation tokens() {
        return tokens;
    }

    void clear() {
        requests = Observation.NONE;
        tokens = Observation.NONE;
    }

    /**
     * One dimension's report.
     *
     * @param remaining what is left, or -1 if unknown
     * @param limit the provider's limit, or -1 if unknown
     * @param until when this report stops being true (its reset time)
     */
    record Observation(long remaining, long limit, long until) {
        static final Observation NONE = new Observation(-1, -1, Long.MIN_VALUE);
        static final HeaderNames REQUESTS = HeaderNames.of("requests");
        static final HeaderNames TOKENS = HeaderNames.of("tokens");

        boolean valid(long now) {
            return now < until;
        }

        boolean exhausted(long now) {
            return remaining == 0 && now < until;
        }

        double fraction(long now) {
            if (remaining < 0 || limit <= 0 || now >= until) {
                return 1.0;
            }
            return Math.max(0.0, Math.min(1.0, (double) remaining / limit));
        }

        /** Null when the provider sent no usable remaining count ({@code x-ratelimit-remaining-<what>}). */
        static Observation parse(Function<AsciiString, String> headers, HeaderNames names, long now) {
            long remaining = parseCount(headers.apply(names.remaining()));
            if (remaining < 0) {
                return null;
            }
            long limit = parseCount(headers.apply(names.limit()));
            String resetValue = headers.apply(names.reset());
            long reset = names.resetIsTime()
                    ? AnthropicLimits.millisUntil(resetValue, now)
                    : parseDurationMillis(resetValue);
            return new Observation(remaining, limit, now + (reset < 0 ? DEFAULT_VALIDITY_MILLIS : reset));
        }
    }

    /**
     * The header names of one dimension, spelled out once rather than for every answer.
     *
     * @param resetIsTime whether the reset is a time (RFC 3339, Anthropic's) rather than a duration (OpenAI's)
     */
    record HeaderNames(AsciiString remaining, AsciiString limit, AsciiString reset, boolean resetIsTime) {
        static HeaderNames of(String what) {
            return new HeaderNames(
                    AsciiString.cached("x-ratelimit-remaining-" + what),
                    AsciiString.cached("x-ratelimit-limit-" + what),
                    AsciiString.cached("x-ratelimit-reset-" + what),
                    false);
        }
    }

    /** A non-negative integer, or -1 when absent or malformed. */
    static long parseCount(String value) {
        if (value == null) {
            return -1;
        }
        try {
            long v = Long.parseLong(value.trim());
            return v < 0 ? -1 : v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Parses a reset duration the way providers send it: Go-style {@code 1s}, {@code 6m0s}, {@code 20ms},
     * {@code 1h2m3.5s} (OpenAI), or a bare number of seconds ({@code 0.5}). Rounds up to whole
     * milliseconds; -1 when absent or malformed.
     */
    static long parseDurationMillis(String value) {
        if (value == null) {
            return -1;
        }
        String s = value.trim();
        if (s.isEmpty()) {
            return -1;
        }
        double totalMillis = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            int numberStart = i;
            while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (i == numberStart) {
                return -1;
            }
            double number;
            try {
                number = Double.parseDouble(s.substring(numberStart, i));
            } catch (NumberFormatException e) {
                return -1;
            }
            int unitStart = i;
            while (i < n && Character.isLetter(s.charAt(i))) {
                i++;
            }
            double unitMillis;
            switch (s.substring(unitStart, i)) {
                case "":
                    if (unitStart != n || numberStart != 0) {
                        return -1; // a bare number must be the whole value
                    }
                    unitMillis = 1000;
                    break;
                case "h":
                    unitMillis = 3_600_000;
                    break;
                case "m":
                    unitMillis = 60_000;
                    break;
                case "s":
                    unitMillis = 1000;
                    break;
                case "ms":
                    unitMillis = 1;
                    break;
                case "us":
                case "µs":
                    unitMillis = 0.001;
                    break;
                case "ns":
                    unitMillis = 0.000_001;
                    break;
                default:
                    return -1;
            }
            totalMillis += number * unitMillis;
        }
        return (long) Math.ceil(totalMillis);
    }
}
