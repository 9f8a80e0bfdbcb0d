package io.llmgateway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * A tap that translates a whole JSON answer into another dialect's. Such an answer is bounded by the request's
 * token limit, and a translation needs parts of it in an order providers do not promise, so its bytes are held
 * (up to a bound) and translated at the end; nothing reaches the client before. One instance per answer, used
 * from one thread.
 */
public abstract class HeldJsonTap extends JsonAnswerTap {
    private final int maxBytes;
    private ByteBuf held;
    private boolean tooLarge;
    private boolean ended;

    /** @param maxBytes the longest answer held; a longer one is dropped and {@link #translate} told so */
    protected HeldJsonTap(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 1)");
        }
        this.maxBytes = maxBytes;
    }

    /**
     * Translates the answer held, owned by this tap (it releases it after), and returns what the client gets,
     * owned by the caller.
     *
     * @param answer the answer's bytes, or null when there are none (an empty answer, or one over the bound)
     * @param tooLarge whether the answer was over the bound
     * @param alloc where the answer's buffers come from
     */
    protected abstract ByteBuf translate(ByteBuf answer, boolean tooLarge, ByteBufAllocator alloc);

    /** Holds the chunk's bytes: nothing goes to the client before the answer is complete. */
    @Override
    public final ByteBuf onChunk(ByteBuf chunk) {
        try {
            int n = chunk.readableBytes();
            if (ended || tooLarge || n == 0) {
                return Unpooled.EMPTY_BUFFER;
            }
            if (held == null) {
                held = chunk.alloc().buffer(Math.max(n, 1024));
            }
            if (held.readableBytes() + (long) n > maxBytes) {
                tooLarge = true;
                held.release();
                held = null;
                return Unpooled.EMPTY_BUFFER;
            }
            held.writeBytes(chunk);
            return Unpooled.EMPTY_BUFFER;
        } finally {
            chunk.release();
        }
    }

    /** The translated answer, owned by the caller. */
    @Override
    public final ByteBuf onEnd() {
        if (ended) {
            return Unpooled.EMPTY_BUFFER;
        }
        ended = true;
        ByteBuf in = held;
        held = null;
        try {
            return translate(in, tooLarge, in != null ? in.alloc() : ByteBufAllocator.DEFAULT);
        } finally {
            if (in != null) {
                in.release();
            }
        }
    }

    @Override
    public final void release() {
        ended = true;
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
