package io.llmgateway.util;

/**
 * Numbers as ASCII digits written straight into a byte array, for the writers that build their bytes by hand
 * (the HTTP heads, the interaction log's lines, request ids): no {@code String} per number.
 */
public final class AsciiNumbers {
    /** The most digits {@link #writeDecimal} writes (those of {@code Long.MAX_VALUE}). */
    public static final int MAX_DECIMAL_DIGITS = 19;

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    private AsciiNumbers() {}

    /**
     * Writes {@code value} (not negative) in decimal at {@code at}; {@code dst} must have
     * {@link #MAX_DECIMAL_DIGITS} bytes from there. Returns the index after the last digit.
     */
    public static int writeDecimal(long value, byte[] dst, int at) {
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            dst[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }

    /** The lower-case hex digit of the low four bits of {@code value}. */
    public static byte hexDigit(long value) {
        return HEX[(int) value & 0xF];
    }
}
