package io.llmgateway.translate;

import io.llmgateway.util.Utf8;

/**
 * Strict JSON over one event's bytes, for {@link ChatChunkScanner}: skips values while checking them, finds
 * strings' bounds, reads integers, decodes strings. It accepts only what Jackson's parser accepts (no leading
 * zeros, no control characters in strings, only JSON's escapes, valid UTF-8 in every string) and says -1 for the
 * rest, for the caller to hand the event to its parser. Methods take the index to read from and return the index
 * after what they read, or -1. One instance per scanner, used from one thread.
 */
final class ChunkJson {
    static final int MAX_DEPTH = 32;
    private static final int MAX_NUMBER_CHARS = 64;
    private static final int MAX_KEY = 64;
    /** An integer of more digits is not read: a long may not hold it. */
    private static final int MAX_INTEGER_DIGITS = 18;

    /** Reads the value of a member of an object the caller reads. */
    @FunctionalInterface
    interface Members {
        /** Reads the value at {@code p} of the key {@code [keyStart, keyEnd)} of an object of the caller's {@code level}. */
        int member(int level, int keyStart, int keyEnd, int p, int depth);
    }

    private static final byte[] NONE = {};

    private byte[] b = NONE;
    private int end;
    /** The last string read had an escape. */
    boolean escapes;
    /** The last number read was an integer of at most {@value #MAX_INTEGER_DIGITS} digits: its value. */
    boolean integer;

    long integerValue;
    private char[] chars = new char[256];

    /** Reads {@code data[0, len)} from now on. */
    void begin(byte[] data, int len) {
        b = data;
        end = len;
    }

    /** Holds no event's bytes any more. */
    void clear() {
        b = NONE;
        end = 0;
    }

    /** The index past the event's bytes. */
    int end() {
        return end;
    }

    /**
     * Reads an object's members from {@code p} (after its brace), each value by {@code members} (null: skipped);
     * the index after the object, or -1. A key spelled with escapes, or longer than {@value #MAX_KEY} bytes, is
     * one the caller would not recognise: -1.
     */
    int object(int p, int level, int depth, Members members) {
        if (depth > MAX_DEPTH) {
            return -1;
        }
        p = ws(p);
        if (at(p) == '}') {
            return p + 1;
        }
        while (true) {
            if (at(p) != '"') {
                return -1;
            }
            int keyStart = p + 1;
            p = string(p);
            if (p < 0 || escapes || p - 1 - keyStart > MAX_KEY) {
                return -1; // a key spelled with escapes is one the parser path reads
            }
            int keyEnd = p - 1;
            p = ws(p);
            if (at(p) != ':') {
                return -1;
            }
            p = ws(p + 1);
            p = members != null ? members.member(level, keyStart, keyEnd, p, depth) : value(p, depth);
            if (p < 0) {
                return -1;
            }
            p = ws(p);
            int c = at(p);
            if (c == '}') {
                return p + 1;
            }
            if (c != ',') {
                return -1;
            }
            p = ws(p + 1);
        }
    }

    /** Skips the value at {@code p}; the index after it, or -1 when it is not valid JSON. */
    int value(int p, int depth) {
        integer = false;
        int c = at(p);
        switch (c) {
            case '"' -> {
                return string(p);
            }
            case '{' -> {
                return object(p + 1, 0, depth + 1, null);
            }
            case '[' -> {
                if (depth + 1 > MAX_DEPTH) {
                    return -1;
                }
                p = ws(p + 1);
                if (at(p) == ']') {
                    return p + 1;
                }
                while (true) {
                    p = value(p, depth + 1);
                    if (p < 0) {
                        return -1;
                    }
                    p = ws(p);
                    if (at(p) == ']') {
                        return p + 1;
                    }
                    if (at(p) != ',') {
                        return -1;
                    }
                    p = ws(p + 1);
                }
            }
            case 't' -> {
                return literal(p, "true");
            }
            case 'f' -> {
                return literal(p, "false");
            }
            case 'n' -> {
                return literal(p, "null");
            }
            default -> {
                return number(p);
            }
        }
    }

    /** Reads a string from its opening quote at {@code p}; the index after its closing quote, or -1. */
    int string(int p) {
        escapes = false;
        byte[] a = b;
        int i = p + 1;
        while (true) {
            while (i < end) { // the usual bytes: plain ASCII
                int x = a[i];
                if (x < 0x20 || x == '"' || x == '\\') {
                    break; // non-ASCII bytes are negative
                }
                i++;
            }
            if (i >= end) {
                return -1;
            }
            int x = a[i];
            if (x == '"') {
                return i + 1;
            }
            if (x == '\\') {
                escapes = true;
                i = escape(i);
            } else if (x >= 0) {
                return -1; // a control character
            } else {
                int n = (x & 0xE0) == 0xC0 ? 2 : (x & 0xF0) == 0xE0 ? 3 : (x & 0xF8) == 0xF0 ? 4 : 0;
                i = n > 0 && i + n <= end && Utf8.isValid(a, i, n) ? i + n : -1;
            }
            if (i < 0) {
                return -1;
            }
        }
    }

    /** Reads the escape at {@code i} (its backslash); the index after it, or -1. */
    private int escape(int i) {
        int e = at(i + 1);
        if (e == 'u') {
            for (int k = i + 2; k < i + 6; k++) {
                if (Character.digit(at(k), 16) < 0) {
                    return -1;
                }
            }
            return i + 6;
        }
        return e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't'
                ? i + 2
                : -1;
    }

    /** Reads a JSON number at {@code p}; notes whether it is a counter (see {@link #integer}). */
    int number(int p) {
        boolean negative = at(p) == '-';
        int from = negative ? p + 1 : p;
        int i = from;
        if (at(i) == '0') {
            i++; // a leading zero stands alone: what follows it must end the number
        } else {
            while (isDigit(at(i))) {
                i++;
            }
        }
        int digits = i - from;
        boolean integer = true;
        if (digits > 0 && at(i) == '.') {
            integer = false;
            i = digits(i + 1);
        }
        if (digits > 0 && i >= 0 && (at(i) == 'e' || at(i) == 'E')) {
            integer = false;
            i = digits(at(i + 1) == '+' || at(i + 1) == '-' ? i + 2 : i + 1);
        }
        if (digits == 0 || i < 0 || i - p > MAX_NUMBER_CHARS || integer && digits > MAX_INTEGER_DIGITS) {
            return -1; // not a number, or an integer a long may not hold: the parser path says what it means
        }
        this.integer = integer;
        if (integer) {
            long v = 0;
            for (int k = from; k < i; k++) {
                v = v * 10 + (b[k] - '0');
            }
            integerValue = negative ? -v : v;
        }
        return i;
    }

    /** Reads one or more digits from {@code i}; the index after them, or -1. */
    private int digits(int i) {
        int from = i;
        while (isDigit(at(i))) {
            i++;
        }
        return i > from ? i : -1;
    }

    private int literal(int p, String word) {
        for (int k = 0; k < word.length(); k++) {
            if (at(p + k) != word.charAt(k)) {
                return -1;
            }
        }
        return p + word.length();
    }

    int ws(int p) {
        while (p >= 0 && p < end) {
            int c = b[p];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            p++;
        }
        return p;
    }

    /** The byte at {@code p} (0-255), or -1 past the end. */
    int at(int p) {
        return p >= 0 && p < end ? b[p] & 0xFF : -1;
    }

    /** Whether the key {@code [from, to)} is {@code name}: most keys differ in length, tested first and alone. */
    boolean key(int from, int to, byte[] name) {
        int n = name.length;
        if (to - from != n) {
            return false;
        }
        byte[] a = b;
        for (int i = 0; i < n; i++) {
            if (a[from + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private int hex(int i) {
        return Character.digit(b[i], 16);
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** Decodes the escaped string bytes {@code [from, to)} of the last scan into {@link #chars()}; their count. */
    int decode(int from, int to) {
        if (chars.length < to - from) {
            chars = new char[Math.max(to - from, chars.length * 2)];
        }
        char[] c = chars;
        int n = 0;
        int i = from;
        while (i < to) {
            int x = b[i];
            if (x >= 0 && x != '\\') {
                c[n++] = (char) x;
                i++;
            } else if (x == '\\') {
                int e = b[i + 1];
                if (e == 'u') {
                    c[n++] = (char) (hex(i + 2) << 12 | hex(i + 3) << 8 | hex(i + 4) << 4 | hex(i + 5));
                    i += 6;
                } else {
                    c[n++] = switch (e) {
                        case 'b' -> '\b';
                        case 'f' -> '\f';
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        default -> (char) e; // " \ /
                    };
                    i += 2;
                }
            } else {
                int cp;
                if ((x & 0xE0) == 0xC0) {
                    cp = (x & 0x1F) << 6 | b[i + 1] & 0x3F;
                    i += 2;
                } else if ((x & 0xF0) == 0xE0) {
                    cp = (x & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | b[i + 2] & 0x3F;
                    i += 3;
                } else {
                    cp = (x & 0x07) << 18 | (b[i + 1] & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6 | b[i + 3] & 0x3F;
                    i += 4;
                }
                n += Character.toChars(cp, c, n);
            }
        }
        return n;
    }

    /** The characters {@link #decode} wrote. */
    char[] chars() {
        return chars;
    }

    /** The escaped string bytes {@code [from, to)} of the last scan, decoded. */
    String text(int from, int to) {
        return new String(chars, 0, decode(from, to));
    }
}
