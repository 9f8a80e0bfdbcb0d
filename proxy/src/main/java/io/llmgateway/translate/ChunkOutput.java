package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.llmgateway.util.PerThreadPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Where a streamed answer's translation writes: one generator serves the whole stream and writes into the buffer
 * of the chunk being translated, made when the first byte of it is written, so an event costs no generator and
 * no buffer of its own. One user at a time (a stream, or one JSON document), on one thread; {@link #pooled}
 * outputs go from one user to the next on the same thread.
 */
final class ChunkOutput extends OutputStream {
    /** Outputs on the Messages factory that stand between two values, for the next user on the thread. */
    private static final PerThreadPool<ChunkOutput> POOL =
            new PerThreadPool<>(256, () -> new ChunkOutput(MessagesViaChatSource.FACTORY, null));

    private final JsonGenerator g;
    private ByteBufAllocator alloc;
    private int firstBuffer = 256;
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

    /**
     * An output on {@link MessagesViaChatSource#FACTORY} from this thread's pool (or a new one): a stream or an
     * answer then costs no generator of its own. Give it back with {@link #recycle()}.
     */
    static ChunkOutput pooled() {
        return POOL.take();
    }

    /** Hands this output to the next user on this thread if it stands between two values, else frees it. */
    void recycle() {
        if (reusable()) {
            POOL.give(this);
        } else {
            release();
        }
    }

    JsonGenerator generator() {
        return g;
    }

    /** Output from now on goes to buffers of {@code alloc}. */
    void begin(ByteBufAllocator alloc) {
        begin(alloc, 256);
    }

    /** Output from now on goes to buffers of {@code alloc}, the next one at least {@code expectedBytes} long. */
    void begin(ByteBufAllocator alloc, int expectedBytes) {
        this.alloc = alloc;
        firstBuffer = Math.max(expectedBytes, 256);
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

    /**
     * Drops what was not taken and says whether this output may serve another stream: true when the generator
     * stands between two events (a stream that failed in the middle of one leaves it inside an object).
     */
    private boolean reusable() {
        if (closed) {
            return false;
        }
        try {
            g.flush(); // what the generator still buffers must not reach the next stream
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (out != null) {
            out.release();
            out = null;
        }
        alloc = null;
        return g.getOutputContext().inRoot();
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
            out = alloc.buffer(Math.max(len, firstBuffer));
        }
        return out;
    }
}
