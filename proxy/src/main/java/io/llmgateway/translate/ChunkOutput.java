package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Where a streamed answer's translation writes: one generator serves the whole stream and writes into the buffer
 * of the chunk being translated, made when the first byte of it is written, so an event costs no generator and
 * no buffer of its own. One instance per stream, used from one thread.
 */
final class ChunkOutput extends OutputStream {
    private final JsonGenerator g;
    private ByteBufAllocator alloc;
    private ByteBuf out;
    private boolean closed;

    /** @param alloc where buffers come from until {@link #begin}; null: nothing may be written before it */
    ChunkOutput(JsonFactory factory, ByteBufAllocator alloc) {
        this.alloc = alloc;
        try {
            g = factory.createGenerator(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        g.setRootValueSeparator(null); // events follow each other with nothing but their own framing
    }

    JsonGenerator generator() {
        return g;
    }

    /** Output from now on goes to buffers of {@code alloc}. */
    void begin(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** What was written since the last call, owned by the caller (maybe the shared empty buffer). */
    ByteBuf take() {
        try {
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuf taken = out;
        out = null;
        return taken != null ? taken : Unpooled.EMPTY_BUFFER;
    }

    /** Frees the generator (its buffer goes back to Jackson's recycler); what was not taken is dropped. */
    void release() {
        closed = true;
        try {
            g.close();
        } catch (IOException | RuntimeException e) {
            // memory only: nothing to report
        }
        if (out != null) {
            out.release();
            out = null;
        }
    }

    @Override
    public void write(int b) {
        if (!closed) {
            buffer(1).writeByte(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (len > 0 && !closed) { // after release, what is left is dropped
            buffer(len).writeBytes(b, off, len);
        }
    }

    private ByteBuf buffer(int len) {
        if (out == null) {
            if (alloc == null) {
                throw new IllegalStateException("written before begin");
            }
            out = alloc.buffer(Math.max(len, 256));
        }
        return out;
    }
}
