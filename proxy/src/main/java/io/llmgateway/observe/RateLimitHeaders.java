package io.llmgateway.observe;

import io.llmgateway.config.Limits;
import io.llmgateway.route.ModelWindows;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;

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

    /** Every header name this class writes: a provider's own headers of these names never reach a client. */
    public static final List<AsciiString> NAMES =
            List.of(LIMIT_REQUESTS, REMAINING_REQUESTS, RESET_REQUESTS, LIMIT_TOKENS, REMAINING_TOKENS, RESET_TOKENS);

    /**
     * A provider's own rate-limit headers, OpenAI's ({@link #NAMES}) and Anthropic's: they describe one provider,
     * so none reaches a client.
     */
    public static final List<AsciiString> PROVIDER_NAMES = providerNames();

    /**
     * Receives the headers one at a time, in the order OpenAI sends them. A sink that writes bytes can take the
     * numbers and durations as they are instead of as new strings.
     */
    @FunctionalInterface
    public interface Sink {
        void header(AsciiString name, CharSequence value);

        /** A count's header; by default its decimal text to {@link #header(AsciiString, CharSequence)}. */
        default void count(AsciiString name, long value) {
            header(name, Long.toString(value));
        }

        /** A reset's header; by default its text ({@link #duration}) to {@link #header(AsciiString, CharSequence)}. */
        default void duration(AsciiString name, long millis) {
            header(name, RateLimitHeaders.duration(millis));
        }
    }

    private RateLimitHeaders() {}

    private static List<AsciiString> providerNames() {
        List<AsciiString> names = new ArrayList<>(NAMES);
        for (String what : List.of("requests", "tokens", "input-tokens", "output-tokens")) {
            for (String part : List.of("-limit", "-remaining", "-reset")) {
                names.add(AsciiString.cached("anthropic-ratelimit-" + what + part));
            }
        }
        return List.copyOf(names);
    }

    /** Replaces any rate-limit headers in {@code headers} with the model's; {@code windows} may be null. */
    public static void apply(HttpHeaders headers, ModelWindows windows) {
        for (AsciiString name : PROVIDER_NAMES) {
            headers.remove(name);
        }
        if (windows != null) {
            write(windows, headers::set);
        }
    }

    /** Hands the model's rate-limit headers to {@code sink}, leaving out a pair the model has no limit for. */
    public static void write(ModelWindows windows, Sink sink) {
        if (windows.requestLimit() != Limits.UNLIMITED) {
            sink.count(LIMIT_REQUESTS, windows.requestLimit());
            sink.count(REMAINING_REQUESTS, windows.requestsRemaining());
            sink.duration(RESET_REQUESTS, windows.requestsResetMillis());
        }
        if (windows.tokenLimit() != Limits.UNLIMITED) {
            sink.count(LIMIT_TOKENS, windows.tokenLimit());
            sink.count(REMAINING_TOKENS, windows.tokensRemaining());
            sink.duration(RESET_TOKENS, windows.tokensResetMillis());
        }
    }

    /** Milliseconds as a Go duration, the way OpenAI writes resets: 0s, 20ms, 1s, 1.5s, 6m0s, 1h2m3s. */
    public static String duration(long millis) {
        return millis <= 0
                ? "0s"
                : appendDuration(millis, new StringBuilder(12)).toString();
    }

    /** Appends {@link #duration}'s text to {@code b} and returns it. */
    public static StringBuilder appendDuration(long millis, StringBuilder b) {
        if (millis <= 0) {
            return b.append("0s");
        }
        if (millis < 1000) {
            return b.append(millis).append("ms");
        }
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long seconds = millis / 1000 % 60;
        long fraction = millis % 1000;
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
        return b.append('s');
    }
}
