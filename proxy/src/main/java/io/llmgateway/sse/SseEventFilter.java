package io.llmgateway.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Forwards a server-sent-events stream chunk by chunk and removes the events its caller rejects. An event's
 * bytes are held back (as retained slices of the chunks) until its end, because only then is it known
 * whether it goes out; the caller finds the event ends (see {@link SseFramer}) and decides.
 *
 * <p>Design notes:
 * <ul>
 * <li>Output is never re-encoded: it is the chunk itself, or retained slices of the chunks. Upstreams
 *     write whole events per write, so in practice nothing is held and the chunk itself goes out.</li>
 * <li>Held bytes are bounded by {@code maxHeldBytes}: an event longer than that is passed through as it
 *     comes and can no longer be removed ({@link #passingThrough()}).</li>
 * <li>A CR that ends an event and a chunk and the LF that starts the next chunk form one line break, so a
 *     removed event takes that LF with it.</li>
 * </ul>
 * Per chunk: {@link #begin}, {@link #eventEnd} for each event that ends in it, {@link #endChunk}. One
 * instance per stream, used from one thread.
 */
public final class SseEventFilter {
    private final int maxHeldBytes;
    private List<ByteBuf> pieces; // what goes out of this chunk when it is not the chunk itself; made when first needed
    private ByteBuf held; // bytes of the incomplete event from earlier chunks
    private boolean passthrough; // the incomplete event grew too big: its bytes flow out as they come
    private boolean endedAtCR; // an event ended with the CR that ended the last chunk
    private boolean droppedAtCR; // ... and it was removed: remove the LF completing that CRLF too
    private int chunkStart;
    private int chunkEnd;
    private int emitFrom; // the first byte of the chunk not yet given out or removed
    private int evStart; // where the current event starts in the chunk

    public SseEventFilter(int maxHeldBytes) {
        if (maxHeldBytes < 1) {
            throw new IllegalArgumentException("maxHeldBytes: " + maxHeldBytes + " (expected: >= 1)");
        }
        this.maxHeldBytes = maxHeldBytes;
    }

    /** Starts on the next chunk; {@code in}'s indices stay as they are until {@link #endChunk}. */
    public void begin(ByteBuf in) {
        if (pieces != null) {
            pieces.clear();
        }
        chunkStart = in.readerIndex();
        chunkEnd = in.writerIndex();
        emitFrom = chunkStart;
        evStart = chunkStart;
        if (chunkEnd == chunkStart) {
            return;
        }
        if (endedAtCR && in.getByte(chunkStart) == '\n') { // it belongs to the event that ended
            evStart = chunkStart + 1;
            if (droppedAtCR) {
                emitFrom = chunkStart + 1;
            }
        }
        endedAtCR = false;
        droppedAtCR = false;
    }

    /**
     * An event ends at buffer index {@code end} (just past its blank line) of the current chunk: removes it
     * when {@code drop} is true, unless it is {@link #passingThrough() passing through}.
     */
    public void eventEnd(ByteBuf in, int end, boolean drop) {
        endedAtCR = end == chunkEnd && in.getByte(end - 1) == '\r';
        if (drop && !passthrough) {
            if (evStart > emitFrom) {
                piece(in.retainedSlice(emitFrom, evStart - emitFrom));
            }
            if (held != null) {
                held.release();
                held = null;
            }
            emitFrom = end;
            droppedAtCR = endedAtCR;
        } else if (held != null) {
            piece(held); // precedes every byte of this chunk
            held = null;
        }
        evStart = end;
        passthrough = false;
    }

    /** Whether the current event outgrew the bound: part of it is out already, so it is not removed. */
    public boolean passingThrough() {
        return passthrough;
    }

    /**
     * The chunk is done: returns what to write now (possibly {@code in} itself, retained, possibly empty),
     * owned by the caller, and holds back the bytes of an event that has not ended. The caller still owns
     * its reference to {@code in}.
     */
    public ByteBuf endChunk(ByteBuf in) {
        try {
            int w = chunkEnd;
            int emitEnd;
            if (passthrough) {
                emitEnd = w;
            } else {
                long heldSize = (held == null ? 0 : held.readableBytes()) + (w - evStart);
                if (heldSize > maxHeldBytes) {
                    passthrough = true;
                    if (held != null) {
                        piece(held);
                        held = null;
                    }
                    emitEnd = w;
                } else {
                    emitEnd = evStart;
                }
            }
            if (emitEnd == w && emitFrom == chunkStart && noPieces() && held == null) {
                return in.retain();
            }
            if (emitEnd > emitFrom) {
                piece(in.retainedSlice(emitFrom, emitEnd - emitFrom));
            }
            if (emitEnd < w) {
                ByteBuf tail = in.retainedSlice(emitEnd, w - emitEnd);
                if (held == null) {
                    held = tail;
                } else {
                    CompositeByteBuf c = held instanceof CompositeByteBuf cb && cb.numComponents() < 1024
                            ? cb
                            : in.alloc().compositeBuffer(1024).addComponent(true, held);
                    held = c.addComponent(true, tail);
                }
            }
            if (noPieces()) {
                return Unpooled.EMPTY_BUFFER;
            }
            if (pieces.size() == 1) {
                return pieces.get(0);
            }
            return in.alloc().compositeBuffer(pieces.size()).addComponents(true, pieces);
        } finally {
            if (pieces != null) {
                pieces.clear();
            }
        }
    }

    /**
     * The stream ended: returns the held bytes of an unterminated last event (owned by the caller; maybe
     * empty), or removes them when {@code drop} is true and the event is not passing through.
     */
    public ByteBuf finish(boolean drop) {
        ByteBuf h = held;
        held = null;
        if (h == null) {
            return Unpooled.EMPTY_BUFFER;
        }
        if (drop && !passthrough) {
            h.release();
            return Unpooled.EMPTY_BUFFER;
        }
        return h;
    }

    private void piece(ByteBuf b) {
        if (pieces == null) {
            pieces = new ArrayList<>(4);
        }
        pieces.add(b);
    }

    private boolean noPieces() {
        return pieces == null || pieces.isEmpty();
    }

    /** Frees anything held back; for an aborted stream. */
    public void release() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
