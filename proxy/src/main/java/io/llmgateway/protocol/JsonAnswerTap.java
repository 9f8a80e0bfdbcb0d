package io.llmgateway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * What most taps of a whole (not streamed) JSON answer share: the answer's usage is all they count, so an
 * answer without one is charged its prompt only; the caller keeps the provider's raw bytes for the request
 * log; and, unless a subclass says otherwise, nothing is held back at the end and nothing needs releasing.
 */
public abstract class JsonAnswerTap implements AnswerTap {
    /** Nothing is held back. */
    @Override
    public ByteBuf onEnd() {
        return Unpooled.EMPTY_BUFFER;
    }

    /** No count of its own: an answer without usage is charged its prompt only. */
    @Override
    public long completionTokensEstimate() {
        return 0;
    }

    /** The caller keeps the provider's raw bytes instead. */
    @Override
    public void captureText(int maxChars) {}

    @Override
    public String capturedText() {
        return null;
    }

    @Override
    public void release() {}
}
