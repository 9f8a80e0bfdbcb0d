package io.llmgateway.openai;

/**
 * cl100k_base's split without a regex: where each piece of
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}
 * ends, exactly as Java's regex engine with {@code UNICODE_CHARACTER_CLASS} matches it (the first
 * alternative that matches at a position wins). Several times faster than the regex, which made a regex
 * split of cl100k slower than jtokkit's hand-written one. {@code Cl100kSplitterTest} compares it with the
 * regex on random text of every kind of char.
 */
final class Cl100kSplitter implements BpeTokenizer.Splitter {
    static final String PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    @Override
    public int pieceEnd(String s, int i, int n) {
        int c = s.codePointAt(i);
        int next = i + Character.charCount(c);
        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (c == '\'' && next < n) {
            char a = s.charAt(next);
            if (is(a, 's') || is(a, 't') || is(a, 'm') || is(a, 'd')) {
                return next + 1;
            }
            if (next + 1 < n) {
                char b = s.charAt(next + 1);
                if ((is(a, 'r') || is(a, 'v')) && is(b, 'e') || is(a, 'l') && is(b, 'l')) {
                    return next + 2;
                }
            }
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (isLetter(c)) {
            return letters(s, next, n);
        }
        if (c != '\r' && c != '\n' && !isNumber(c) && next < n && isLetter(s.codePointAt(next))) {
            return letters(s, next, n);
        }
        // \p{N}{1,3}
        if (isNumber(c)) {
            int end = next;
            for (int k = 1; k < 3 && end < n; k++) {
                int d = s.codePointAt(end);
                if (!isNumber(d)) {
                    break;
                }
                end += Character.charCount(d);
            }
            return end;
        }
        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        int j = c == ' ' && next < n && isOther(s.codePointAt(next)) ? next : i;
        if (isOther(s.codePointAt(j))) {
            while (j < n) {
                int d = s.codePointAt(j);
                if (!isOther(d)) {
                    break;
                }
                j += Character.charCount(d);
            }
            while (j < n && (s.charAt(j) == '\r' || s.charAt(j) == '\n')) {
                j++;
            }
            return j;
        }
        return WhiteSpaceRun.pieceEnd(s, i, n); // c is white space
    }

    private static int letters(String s, int from, int n) {
        int end = from;
        while (end < n) {
            int d = s.codePointAt(end);
            if (!isLetter(d)) {
                break;
            }
            end += Character.charCount(d);
        }
        return end;
    }

    /** {@code c} matches the lower-case ASCII letter {@code lower} case-insensitively, as Unicode regex does. */
    private static boolean is(char c, char lower) {
        return c == lower || Character.toLowerCase(Character.toUpperCase(c)) == lower;
    }

    private static boolean isLetter(int cp) {
        return cp < 0x80 ? (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z' : Character.isLetter(cp);
    }

    /** {@code \p{N}}: decimal digits, letter numbers (Ⅻ) and other numbers (², ½). */
    private static boolean isNumber(int cp) {
        if (cp < 0x80) {
            return cp >= '0' && cp <= '9';
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
               || type == Character.OTHER_NUMBER;
    }

    /** {@code [^\s\p{L}\p{N}]}. */
    private static boolean isOther(int cp) {
        return !WhiteSpaceRun.isSpace(cp) && !isLetter(cp) && !isNumber(cp);
    }
}
