package io.llmgateway.trace;

import io.llmgateway.util.ByteSearch;
import io.llmgateway.util.RequestJson;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The request's sampling parameters the GenAI conventions name and the gateway's own scan does not read
 * ({@code temperature}), for sampled spans only. A search for the key rather than a parse: a parse would read
 * a long prompt whole on the event loop for one number. The first {@code "temperature"} key with a number is
 * taken: in a text its quotes are escaped, and in a tool's schema its value is an object, so neither is.
 */
final class RequestParams {
    private static final byte[] KEY = "\"temperature\"".getBytes(StandardCharsets.US_ASCII);
    private static final int ANCHOR = 6; // the 'r': rarer in JSON than the quote
    private static final int MAX_NUMBER_CHARS = 32;

    private RequestParams() {}

    /** The {@code temperature} of a JSON body, or NaN when it names none. */
    static double temperature(ByteBuf body) {
        byte[] a = RequestJson.array(body);
        int from = RequestJson.offset(body);
        int to = from + body.readableBytes();
        for (int at = ByteSearch.indexOf(a, from, to, KEY, ANCHOR);
                at >= 0;
                at = ByteSearch.indexOf(a, at + KEY.length, to, KEY, ANCHOR)) {
            double v = numberAfter(a, at + KEY.length, to);
            if (!Double.isNaN(v)) {
                return v;
            }
        }
        return Double.NaN;
    }

    /** The number after {@code : } at {@code i}, or NaN. */
    private static double numberAfter(byte[] a, int i, int to) {
        while (i < to && a[i] == ' ') {
            i++;
        }
        if (i >= to || a[i] != ':') {
            return Double.NaN;
        }
        i++;
        while (i < to && (a[i] == ' ' || a[i] == '\n' || a[i] == '\r' || a[i] == '\t')) {
            i++;
        }
        int start = i;
        while (i < to && i - start < MAX_NUMBER_CHARS && isNumberChar(a[i])) {
            i++;
        }
        if (i == start) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(new String(a, start, i - start, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static boolean isNumberChar(byte b) {
        return b >= '0' && b <= '9' || b == '.' || b == '-' || b == '+' || b == 'e' || b == 'E';
    }
}
