package io.llmgateway.server;

import io.llmgateway.util.AsciiDigits;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.util.Date;

/** Reads how long a provider asked us to wait: {@code retry-after-ms}, or {@code Retry-After} in seconds or as a date. */
final class RetryAfter {
    private RetryAfter() {}

    /** Milliseconds to wait, or 0 when the provider did not say (or said something unreadable). */
    static long millis(HttpHeaders headers, Clock clock) {
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            long v = parseNonNegative(ms);
            if (v >= 0) {
                return v;
            }
        }
        String value = headers.get(HttpHeaderNames.RETRY_AFTER);
        if (value == null) {
            return 0;
        }
        long seconds = parseNonNegative(value);
        if (seconds >= 0) {
            return Math.min(seconds, 86_400) * 1000;
        }
        Date date = DateFormatter.parseHttpDate(value);
        return date == null ? 0 : Math.max(0, date.getTime() - clock.millis());
    }

    private static long parseNonNegative(String s) {
        String t = s.trim();
        int dot = t.indexOf('.');
        if (dot >= 0) {
            t = t.substring(0, dot);
        }
        if (t.length() > 12 || !AsciiDigits.only(t)) {
            return -1;
        }
        return Long.parseLong(t);
    }
}
