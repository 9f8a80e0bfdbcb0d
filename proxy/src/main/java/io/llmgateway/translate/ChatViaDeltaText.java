package io.llmgateway.translate;

import static java.util.Objects.requireNonNull;

import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.util.Transcript;

/**
 * The texts of a translated stream's deltas (content, reasoning, tool names and arguments): counted for the
 * completion estimate when the provider reports no usage, and kept, when asked, for the request log. Texts are
 * counted every {@value #COUNT_EVERY_CHARS} chars (unless told otherwise), so that what is held stays small. Used from one thread.
 */
final class ChatViaDeltaText {
    static final int COUNT_EVERY_CHARS = 16 * 1024;

    private final TokenEstimator estimator;
    private final String encoding;
    private final int countEveryChars;
    private final StringBuilder uncounted = new StringBuilder();
    private long counted;
    private Transcript transcript; // only when asked for

    /** @param encoding the encoding to count with (see {@link TokenEstimator#encodingFor}) */
    ChatViaDeltaText(TokenEstimator estimator, String encoding) {
        this(estimator, encoding, COUNT_EVERY_CHARS);
    }

    /** @param countEveryChars how many chars wait before they are counted */
    ChatViaDeltaText(TokenEstimator estimator, String encoding, int countEveryChars) {
        this.estimator = requireNonNull(estimator, "estimator");
        this.encoding = encoding;
        this.countEveryChars = countEveryChars;
    }

    void add(String s) {
        if (s != null) {
            add(s.toCharArray(), 0, s.length());
        }
    }

    void add(char[] c, int off, int len) {
        uncounted.append(c, off, len);
        if (uncounted.length() >= countEveryChars) {
            countUncounted();
        }
        if (transcript != null) {
            transcript.append(c, off, len);
        }
    }

    /** The tokens of everything added. */
    long tokens() {
        countUncounted();
        return counted;
    }

    /** Keeps what is added from now on, up to {@code maxChars}. */
    void capture(int maxChars) {
        transcript = new Transcript(maxChars);
    }

    /** What was kept, or null when nothing is. */
    String captured() {
        if (transcript == null) {
            return null;
        }
        return transcript.text();
    }

    private void countUncounted() {
        if (uncounted.length() > 0) {
            counted += estimator.countText(uncounted.toString(), encoding);
            uncounted.setLength(0);
        }
    }
}
