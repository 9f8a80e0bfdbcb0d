package io.llmgateway.util;

/**
 * Strict UTF-8 validation. Jackson only decodes the strings we read, so invalid bytes inside
 * skipped values (or overlong forms it tolerates) would otherwise be forwarded upstream.
 */
public final class Utf8 {
    private Utf8() {}

    public static boolean isValid(byte[] a, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            int b = a[i];
            if (b >= 0) {
                i++;
                continue;
            }
            if ((b & 0xE0) == 0xC0) {
                if (i + 1 >= end || (b & 0xFF) < 0xC2 || !cont(a[i + 1])) {
                    return false;
                }
                i += 2;
            } else if ((b & 0xF0) == 0xE0) {
                if (i + 2 >= end || !cont(a[i + 1]) || !cont(a[i + 2])) {
                    return false;
                }
                int cp = ((b & 0x0F) << 12) | ((a[i + 1] & 0x3F) << 6) | (a[i + 2] & 0x3F);
                if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) {
                    return false;
                }
                i += 3;
            } else if ((b & 0xF8) == 0xF0) {
                if (i + 3 >= end || !cont(a[i + 1]) || !cont(a[i + 2]) || !cont(a[i + 3])) {
                    return false;
                }
                int cp = ((b & 0x07) << 18) | ((a[i + 1] & 0x3F) << 12) | ((a[i + 2] & 0x3F) << 6) | (a[i + 3] & 0x3F);
                if (cp < 0x10000 || cp > 0x10FFFF) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean cont(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
