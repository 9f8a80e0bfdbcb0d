package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.llmgateway.util.ByteSearch;
import java.util.Arrays;

/**
 * Whether a streamed event's JSON can hold usage, found by a byte search so that only such events are
 * parsed at once. With include_usage, OpenAI sends {@code "usage":null} in every chunk before the usage
 * chunk; those are not worth a parse.
 */
final class UsageProbe {
    private static final byte[] USAGE = "\"usage\"".getBytes(UTF_8);
    /** Where the search anchors in {@link #USAGE}: its 'g', a rare letter in OpenAI's chunks ('"' is everywhere). */
    private static final int USAGE_ANCHOR = 4;

    private static final byte[] NULL_USAGE_END = "\"usage\":null}".getBytes(UTF_8);

    private UsageProbe() {}

    /** Whether {@code a[0, len)} has a {@code "usage"} key whose value is not {@code null}. */
    static boolean mayHoldUsage(byte[] a, int len) {
        if (endsWithNullUsage(a, len)) {
            return false; // how OpenAI ends every chunk before the usage one: no search through the chunk
        }
        int from = 0;
        int at;
        while ((at = ByteSearch.indexOf(a, from, len, USAGE, USAGE_ANCHOR)) >= 0) {
            int i = skipSpaces(a, at + USAGE.length, len);
            if (i >= len || a[i] != ':') {
                return true; // not a key after all (or cut short): let the parser decide
            }
            i = skipSpaces(a, i + 1, len);
            if (i + 4 > len || a[i] != 'n' || a[i + 1] != 'u' || a[i + 2] != 'l' || a[i + 3] != 'l') {
                return true;
            }
            from = i + 4;
        }
        return false;
    }

    /**
     * Whether {@code a[0, len)} ends with <code>"usage":null}</code>: the top-level object's last key is a
     * null usage (the brace closing a nested object would be followed by another), so the chunk has no usage
     * to take (a second, earlier "usage" key in the same object would be a duplicate key, which no provider
     * sends).
     */
    static boolean endsWithNullUsage(byte[] a, int len) {
        int start = len - NULL_USAGE_END.length;
        return start >= 0 && Arrays.equals(a, start, len, NULL_USAGE_END, 0, NULL_USAGE_END.length);
    }

    private static int skipSpaces(byte[] a, int i, int len) {
        while (i < len && (a[i] == ' ' || a[i] == '\t' || a[i] == '\n' || a[i] == '\r')) {
            i++;
        }
        return i;
    }
}
