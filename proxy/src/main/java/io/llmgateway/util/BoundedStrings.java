package io.llmgateway.util;

/**
 * Bounds on JSON string values a client chose (a model name) that the request readers check before they
 * decode or keep them: measured on the raw bytes first, so that a huge value is refused without being copied.
 */
public final class BoundedStrings {
    private BoundedStrings() {}

    /**
     * Whether the JSON string whose opening quote is at {@code a[quote]} ends within {@code maxBytes} bytes as
     * sent; reads the raw bytes up to {@code end}, stepping over escapes, and stops at the bound. A body that
     * ends inside the string passes: the parser then reports it as malformed.
     */
    public static boolean closesWithin(byte[] a, int quote, int end, int maxBytes) {
        int i = quote + 1;
        int limit = i + maxBytes; // where the closing quote is at the latest
        while (i < end) {
            byte b = a[i];
            if (b == '"') {
                return true;
            }
            if (i >= limit) {
                return false;
            }
            i += b == '\\' ? 2 : 1;
        }
        return true;
    }

    /** UTF-8 length of a decoded string: a surrogate pair is four bytes. */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }
}
