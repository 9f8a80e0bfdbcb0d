package io.llmgateway.openai;

/**
 * The last three alternatives of both o200k's and cl100k's split patterns, {@code \s*[\r\n]+|\s+(?!\S)|\s+},
 * as Java's regex engine (with {@code UNICODE_CHARACTER_CLASS}) matches them at the start of a run of white
 * space: up to the run's last line break if it has one; else the run without its last char, which goes with
 * what follows, unless the run ends the text or is one char long.
 */
final class WhiteSpaceRun {
    private WhiteSpaceRun() {
    }

    /** Where the piece that starts with the white space at {@code s[i]} ends. */
    static int pieceEnd(String s, int i, int n) {
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

    /** {@code \s} with {@code UNICODE_CHARACTER_CLASS}: Unicode's White_Space property. */
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
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
               || type == Character.PARAGRAPH_SEPARATOR;
    }
}
