package io.llmgateway.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Watches one provider answer on its way to the client for its usage, and hands on what the client gets. One
 * per answer, confined to its exchange's event loop.
 */
public interface AnswerTap {
    /**
     * Takes ownership of {@code chunk} and returns what goes to the client now, owned by the caller: possibly
     * {@code chunk} itself, possibly empty.
     */
    ByteBuf onChunk(ByteBuf chunk);

    /** What goes to the client after the last chunk (possibly an empty buffer), owned by the caller. */
    ByteBuf onEnd();

    /** The usage the provider reported, or null when it reported none (yet). */
    Usage usage();

    /** The tokens generated so far by the gateway's own count, when the provider reports none. */
    long completionTokensEstimate();

    /** Keeps the answer's text, up to {@code maxChars}, for the request log. */
    void captureText(int maxChars);

    /** The kept text, or null when this tap keeps none (the caller then keeps the raw bytes). */
    String capturedText();

    /**
     * Also notes the answer's id, model and finish reasons in {@code into} while reading what it reads anyway
     * (for a sampled trace span); asked before the first chunk. False when this tap cannot, and the caller finds
     * them itself.
     */
    default boolean noteFacts(AnswerFacts into) {
        return false;
    }

    /** Releases what the tap holds; it reads nothing after. */
    void release();
}
