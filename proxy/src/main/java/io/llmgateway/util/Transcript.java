package io.llmgateway.util;

/**
 * The text of a streamed answer's deltas, kept for the request log up to a bound; what goes past it is dropped
 * and the text marked as cut. A tap makes one only when the log keeps bodies, so a stream that is not logged
 * keeps nothing. Used from one thread.
 */
public final class Transcript {
    /** Appended to a cut transcript. */
    static final String CUT_MARK = "...[truncated]";

    private final StringBuilder text;
    private final int maxChars;
    private boolean cut;

    public Transcript(int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars: " + maxChars + " (expected: >= 1)");
        }
        this.text = new StringBuilder(Math.min(maxChars, 1024));
        this.maxChars = maxChars;
    }

    public void append(String s) {
        int room = maxChars - text.length();
        if (s.length() > room) {
            cut = true;
        }
        text.append(s, 0, Math.min(s.length(), room));
    }

    public void append(char[] c, int off, int len) {
        int room = maxChars - text.length();
        if (len > room) {
            cut = true;
        }
        text.append(c, off, Math.min(len, room));
    }

    /** What was kept, marked when some was dropped. */
    public String text() {
        return cut ? text + CUT_MARK : text.toString();
    }
}
