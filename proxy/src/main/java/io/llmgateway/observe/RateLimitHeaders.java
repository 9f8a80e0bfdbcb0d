package io.llmgateway.observe;

import io.llmgateway.config.Limits;
import io.llmgateway.route.ModelWindows;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * The {@code x-ratelimit-*} headers OpenAI sends, computed for the model the client asked for: the sum of
 * its enabled providers' per-minute windows. SDK users can read them as they would from OpenAI.
 *
 * <p>A provider's own headers are always removed first: they describe one provider, while a client of
 * the gateway is limited by all of them together. A header pair is left out when the model has no such
 * limit (a provider of it is unlimited). {@code reset} is the time until the window is empty again,
 * written like OpenAI (Go durations): {@code 20ms}, {@code 1s}, {@code 1.5s}, {@code 6m0s}.
 */
public final class RateLimitHeaders {
    static final AsciiString LIMIT_REQUESTS = AsciiString.cached("x-ratelimit-limit-requests");
    static final AsciiString REMAINING_REQUESTS = AsciiString.cached("x-ratelimit-remaining-requests");
    static final AsciiString RESET_REQUESTS = AsciiString.cached("x-ratelimit-reset-requests");
    static final AsciiString LIMIT_TOKENS = AsciiString.cached("x-ratelimit-limit-tokens");
    static final AsciiString REMAINING_TOKENS = AsciiString.cached("x-ratelimit-remaining-tokens");
    static final AsciiString RESET_TOKENS = AsciiString.cached("x-ratelimit-reset-tokens");

    private RateLimitHeaders() {
    }

    /** Replaces any rate-limit headers in {@code headers} with the model's; {@code windows} may be null. */
    public static void apply(HttpHeaders headers, ModelWindows windows) {
        headers.remove(LIMIT_REQUESTS).remove(REMAINING_REQUESTS).remove(RESET_REQUESTS)
                .remove(LIMIT_TOKENS).remove(REMAINING_TOKENS).remove(RESET_TOKENS);
        if (windows == null) {
            return;
        }
        if (windows.requestLimit() != Limits.UNLIMITED) {
            headers.set(LIMIT_REQUESTS, Long.toString(windows.requestLimit()))
                    .set(REMAINING_REQUESTS, Long.toString(windows.requestsRemaining()))
                    .set(RESET_REQUESTS, duration(windows.requestsResetMillis()));
        }
        if (windows.tokenLimit() != Limits.UNLIMITED) {
            headers.set(LIMIT_TOKENS, Long.toString(windows.tokenLimit()))
                    .set(REMAINING_TOKENS, Long.toString(windows.tokensRemaining()))
                    .set(RESET_TOKENS, duration(windows.tokensResetMillis()));
        }
    }

    /** Milliseconds as a Go duration, the way OpenAI writes resets: 0s, 20ms, 1s, 1.5s, 6m0s, 1h2m3s. */
    public static String duration(long millis) {
        if (millis <= 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long seconds = millis / 1000 % 60;
        long fraction = millis % 1000;
        StringBuilder b = new StringBuilder(12);
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            b.append(minutes).append('m');
        }
        b.append(seconds);
        if (fraction > 0) {
            // Go prints the fraction without trailing zeros: 1.5s, 1.25s, 1.125s.
            b.append('.');
            b.append((char) ('0' + fraction / 100));
            if (fraction % 100 != 0) {
                b.append((char) ('0' + fraction / 10 % 10));
                if (fraction % 10 != 0) {
                    b.append((char) ('0' + fraction % 10));
                }
            }
        }
        return b.append('s').toString();
    }
}
