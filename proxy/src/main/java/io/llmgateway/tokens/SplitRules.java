package io.llmgateway.tokens;

/**
 * The parts that o200k's and cl100k's split patterns share, as Java's regex engine (with
 * {@code UNICODE_CHARACTER_CLASS}) matches them: the contractions, the runs of numbers, of other chars and
 * of white space, and the char classes. Used by the hand-written splitters ({@link O200kSplitter},
 * {@link Cl100kSplitter}).
 */
final class SplitRules {
    private SplitRules() {}

    /** {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)} at {@code k}: where it ends, or {@code k} when there is none. */
    static int contractionEnd(String s, int k, int n) {
        if (k + 1 >= n || s.charAt(k) != '\'') {
            return k;
        }
        char a = s.charAt(k + 1);
        if (is(a, 's') || is(a, 't') || is(a, 'm') || is(a, 'd')) {
            return k + 2;
        }
        if (k + 2 < n) {
            char b = s.charAt(k + 2);
            if ((is(a, 'r') || is(a, 'v')) && is(b, 'e') || is(a, 'l') && is(b, 'l')) {
                return k + 3;
            }
        }
        return k;
    }

    /** {@code \p{N}{1,3}} from the number at {@code i}. */
    static int numbersEnd(String s, int i, int n) {
        int k = i + Character.charCount(s.codePointAt(i));
        for (int count = 1; count < 3 && k < n; count++) {
            int d = s.codePointAt(k);
            if (!isNumber(d)) {
                break;
            }
            k += Character.charCount(d);
        }
        return k;
    }

    /**
     * {@code [^\s\p{L}\p{N}]+[\r\n]*} (or {@code [\r\n/]*} with {@code slash}) from the other char at {@code k}.
     */
    static int othersEnd(String s, int k, int n, boolean slash) {
        while (k < n) {
            int d = s.codePointAt(k);
            if (!isOther(d)) {
                break;
            }
            k += Character.charCount(d);
        }
        while (k < n && (s.charAt(k) == '\r' || s.charAt(k) == '\n' || slash && s.charAt(k) == '/')) {
            k++;
        }
        return k;
    }

    /**
     * {@code \s*[\r\n]+|\s+(?!\S)|\s+} from the white space at {@code i}: up to the run's last line break if it
     * has one; else the run without its last char, which goes with what follows, unless the run ends the
     * text or is one char long.
     */
    static int whiteSpaceEnd(String s, int i, int n) {
        int r = i;
        int lastNewline = -1;
        while (r < n && isSpace(s.charAt(r))) { // white space is never a surrogate
            if (s.charAt(r) == '\r' || s.charAt(r) == '\n') {
                lastNewline = r;
            }
            r++;
        }
        if (lastNewline >= 0) {
            return lastNewline + 1; // \s* backs off to the last line break
        }
        if (r == n || r - i == 1) {
            return r; // \s+(?!\S) at the end of the text, else \s+ for a single char
        }
        return r - 1; // \s+(?!\S): the last space goes with what follows
    }

    /** {@code c} matches the lower-case ASCII letter {@code lower} case-insensitively, as Unicode regex does. */
    static boolean is(char c, char lower) {
        return c == lower || Character.toLowerCase(Character.toUpperCase(c)) == lower;
    }

    /** {@code \s}: Unicode's White_Space property. */
    static boolean isSpace(int cp) {
        if (cp <= ' ') {
            return cp == ' ' || cp >= '\t' && cp <= '\r';
        }
        if (cp == 0x85) {
            return true;
        }
        if (cp < 0xA0) {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.SPACE_SEPARATOR
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** {@code \p{L}}. */
    static boolean isLetter(int cp) {
        return cp < 0x80 ? (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z' : Character.isLetter(cp);
    }

    /** {@code \p{N}}: decimal digits, letter numbers (Ⅻ) and other numbers (², ½). */
    static boolean isNumber(int cp) {
        if (cp < 0x80) {
            return cp >= '0' && cp <= '9';
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /** {@code [^\s\p{L}\p{N}]}. */
    static boolean isOther(int cp) {
        return !isSpace(cp) && !isLetter(cp) && !isNumber(cp);
    }
}
