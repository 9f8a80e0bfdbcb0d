package io.llmgateway.util;

/**
 * Bounds text a client chose (a path, a model name, an id) before it is kept in a record, a log line or an
 * error message: whatever arrives, what is stored stays small.
 */
public final class ShortText {
    /** Appended to text that was cut, so that a reader knows there was more. */
    public static final String CUT_MARK = "...";

    private ShortText() {}

    /**
     * {@code text} itself when it has at most {@code maxChars} chars (no copy), else its first
     * {@code maxChars} chars, not splitting a surrogate pair, followed by {@link #CUT_MARK}; null stays null.
     */
    public static String cap(String text, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars: " + maxChars + " (expected: >= 1)");
        }
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end) + CUT_MARK;
    }
}
