package io.llmgateway.server;

import io.netty.util.concurrent.Ticker;

/**
 * The gateway's own time on every answer, in a {@value #NAME} header (W3C Server Timing), in milliseconds with
 * microsecond precision:
 *
 * <ul>
 *   <li>{@value #PRE}: the gateway's time before the provider that answered was called: from the complete
 *       request to that provider's request written, leaving out the time earlier attempts waited for a
 *       provider;
 *   <li>{@value #POST}: from the provider's answer ready (its head, or the data read that lets the head go:
 *       a 2xx head is held back until body bytes come) to the client's head written;
 *   <li>{@value #TOTAL}: the whole time of an answer no provider gave (a local answer, a gateway error), from
 *       the complete request to the answer written, leaving out the time attempts waited for a provider.
 * </ul>
 *
 * A provider's own {@value #NAME} header is relayed and this one added as a second field of that name, which
 * the specification reads as one list.
 */
final class ServerTiming {
    static final String NAME = "server-timing";
    static final String PRE = "gw-pre";
    static final String POST = "gw-post";
    static final String TOTAL = "gw-total";

    private static final byte[] HEAD_PRE = HeadBytes.bytesOf(NAME + ": " + PRE + ";dur=");
    private static final byte[] HEAD_POST = HeadBytes.bytesOf(", " + POST + ";dur=");
    private static final byte[] POINT = HeadBytes.bytesOf(".");
    private static final byte[] POINT_0 = HeadBytes.bytesOf(".0");
    private static final byte[] POINT_00 = HeadBytes.bytesOf(".00");

    private ServerTiming() {}

    /** Writes the header of a relayed answer (both durations in nanoseconds, not negative) into {@code h}. */
    static void write(HeadBytes h, long preNanos, long postNanos) {
        h.bytes(HEAD_PRE);
        millis(h, preNanos);
        h.bytes(HEAD_POST);
        millis(h, postNanos);
        h.crlf();
    }

    private static void millis(HeadBytes h, long nanos) {
        long micros = (Math.max(0, nanos) + 500) / 1000;
        long fraction = micros % 1000;
        h.number(micros / 1000)
                .bytes(fraction < 10 ? POINT_00 : fraction < 100 ? POINT_0 : POINT)
                .number(fraction);
    }

    /**
     * The header's value for answers whose header map the gateway edits: {@value #PRE} and {@value #POST} when
     * {@code postNanos} is not negative, else {@value #TOTAL} of {@code preNanos}.
     */
    static String value(long preNanos, long postNanos) {
        StringBuilder s = new StringBuilder(48);
        if (postNanos < 0) {
            return append(s.append(TOTAL), preNanos).toString();
        }
        append(s.append(PRE), preNanos).append(", ").append(POST);
        return append(s, postNanos).toString();
    }

    /** The value of {@value #TOTAL} since {@code startNanos} on {@code ticker}. */
    static String total(Ticker ticker, long startNanos) {
        return value(ticker.nanoTime() - startNanos, -1);
    }

    private static StringBuilder append(StringBuilder s, long nanos) {
        long micros = (Math.max(0, nanos) + 500) / 1000;
        long fraction = micros % 1000;
        s.append(";dur=").append(micros / 1000).append('.');
        if (fraction < 100) {
            s.append(fraction < 10 ? "00" : "0");
        }
        return s.append(fraction);
    }
}
