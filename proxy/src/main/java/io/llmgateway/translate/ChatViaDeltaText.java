package io.llmgateway.translate;

import static java.util.Objects.requireNonNull;

import io.llmgateway.tokens.TokenEstimator;

/**
 * The texts of a translated stream's deltas (content, reasoning, tool names and arguments): counted for the
 * completion estimate when the provider reports no usage, and kept, when asked, for the request log. Texts are
 * counted every {@value #COUNT_EVERY_CHARS} chars, so that what is held stays small. Used from one thread.
 */
final class ChatViaDeltaText {
    static final int COUNT_EVERY_CHARS = 16 * 1024;

    private final TokenEstimator estimator;
    private final String encoding;
    private final StringBuilder uncounted = new StringBuilder();
    private long counted;
    private StringBuilder transcript;
    private int transcriptMax;
    private boolean transcriptCut;

    /** @param encoding the encoding to count with (see {@link TokenEstimator#encodingFor}) */
    ChatViaDeltaText(TokenEstimator estimator, String encoding) {
        this.estimator = requireNonNull(estimator, "estimator");
        this.encoding = encoding;
    }

    void add(String s) {
        if (s != null) {
            add(s.toCharArray(), 0, s.length());
        }
    }

    void add(char[] c, int off, int len) {
        uncounted.append(c, off, len);
        if (uncounted.length() >= COUNT_EVERY_CHARS) {
            countUncounted();
        }
        if (transcript != null) {
            int room = transcriptMax - transcript.length();
            if (len > room) {
                transcriptCut = true;
            }
            transcript.append(c, off, Math.min(len, Math.max(0, room)));
        }
    }

    /** The tokens of everything added. */
    long tokens() {
        countUncounted();
        return counted;
    }

    /** Keeps what is added from now on, up to {@code maxChars}. */
    void capture(int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars: " + maxChars + " (expected: >= 1)");
        }
        transcript = new StringBuilder(Math.min(maxChars, 1024));
        transcriptMax = maxChars;
    }

    /** What was kept, or null when nothing is. */
    String captured() {
        if (transcript == null) {
            return null;
        }
        return transcriptCut ? transcript + "...[truncated]" : transcript.toString();
    }

    private void countUncounted() {
        if (uncounted.length() > 0) {
            counted += estimator.countText(uncounted.toString(), encoding);
            uncounted.setLength(0);
        }
    }
}
