package io.llmgateway.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Searches in byte arrays eight bytes at a time, for scans that every streamed event goes through.
 *
 * <p>Each word is XORed with the wanted byte repeated eight times, so that matching bytes become zero, and
 * {@code (x - 0x01..01) & ~x & 0x80..80} flags the zero bytes (the classic has-zero-byte trick). The lowest
 * flag is exact; a higher one can be false (a borrow from a lower zero byte), so only the lowest is taken
 * as is and any other is verified.
 */
public final class ByteSearch {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private ByteSearch() {}

    /** The first {@code b} in {@code a[from, to)}, or -1. */
    public static int indexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first byte equal to {@code b1} or {@code b2} in {@code a[from, to)}, or -1. Both bytes are flagged
     * in the same word, and the lowest flag of either is exact, so it is the first match.
     */
    public static int indexOfEither(byte[] a, int from, int to, byte b1, byte b2) {
        long p1 = LOW_BITS * (b1 & 0xff);
        long p2 = LOW_BITS * (b2 & 0xff);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long word = (long) LONGS.get(a, i);
            long x1 = word ^ p1;
            long x2 = word ^ p2;
            long flags = ((x1 - LOW_BITS) & ~x1 | (x2 - LOW_BITS) & ~x2) & HIGH_BITS;
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == b1 || a[i] == b2) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first occurrence of {@code needle} that lies wholly in {@code a[from, to)}, or -1. The words are
     * searched for {@code needle[anchor]}, and each hit is compared in full: an anchor that is rare in the
     * searched text (the 'g' of {@code "usage"} in JSON, not its quote) keeps the comparisons few.
     */
    public static int indexOf(byte[] a, int from, int to, byte[] needle, int anchor) {
        if (anchor < 0 || anchor >= needle.length) {
            throw new IllegalArgumentException("anchor: " + anchor + " (expected: 0 to " + (needle.length - 1) + ")");
        }
        byte anchorByte = needle[anchor];
        long pattern = LOW_BITS * (anchorByte & 0xff);
        int i = from + anchor; // where the anchor of a match at 'from' would be
        int end = to - (needle.length - anchor); // the last anchor position with room for the rest
        for (; i + 8 <= end + 1; i += 8) {
            long x = (long) LONGS.get(a, i) ^ pattern;
            long flags = (x - LOW_BITS) & ~x & HIGH_BITS;
            while (flags != 0) {
                int at = i + (Long.numberOfTrailingZeros(flags) >>> 3) - anchor;
                if (matches(a, at, needle)) {
                    return at;
                }
                flags &= flags - 1;
            }
        }
        for (; i <= end; i++) {
            if (a[i] == anchorByte && matches(a, i - anchor, needle)) {
                return i - anchor;
            }
        }
        return -1;
    }

    private static boolean matches(byte[] a, int at, byte[] needle) {
        for (int j = 0; j < needle.length; j++) {
            if (a[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }
}
