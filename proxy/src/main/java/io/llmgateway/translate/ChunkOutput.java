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
 * no buffer of its own. Events whose bytes are known without a generator (constant framing around bytes copied as
 * they are) go through {@link #raw}: they gather in an array of their own, in order with what the generator writes
 * (each side is flushed before the other writes), and reach the chunk's buffer in one copy.
 * One user at a time (a stream, or one JSON document), on one thread; {@link #pooled}
 * outputs go from one user to the next on the same thread.
 */
final class ChunkOutput extends OutputStream {
    /** Outputs on the Messages factory that stand between two values, for the next user on the thread. */
    private static final PerThreadPool<ChunkOutput> POOL =
            new PerThreadPool<>(256, () -> new ChunkOutput(MessagesViaChatSource.FACTORY, null));

    /** The bytes {@link #raw} gathers before they go into the chunk's buffer; more go straight into the buffer. */
    static final int RAW_BYTES = 4096;

    private static final byte[] NO_BYTES = {};

    private final JsonGenerator g;
    private byte[] raw = NO_BYTES; // made on first use: a JSON document's output never needs it
    private int rawLen;
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
            g.flush(); // what it holds came after what raw holds: write() moves that first
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        flushRaw();
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
        rawLen = 0;
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
        rawLen = 0;
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

    /**
     * Writes {@code b[off, off + len)} after what was written before, without the generator, which must stand
     * between two values (a whole event goes through here or through the generator, not part of each).
     */
    void raw(byte[] b, int off, int len) {
        if (len > RAW_BYTES) {
            room(0);
            flushRaw();
            write(b, off, len);
        } else {
            room(len);
            System.arraycopy(b, off, raw, rawLen, len);
            rawLen += len;
        }
    }

    /** Writes {@code b} as {@link #raw(byte[], int, int)} does. */
    void raw(byte[] b) {
        raw(b, 0, b.length);
    }

    /** Writes the decimal digits of {@code n} (at least 0) as {@link #raw(byte[], int, int)} does. */
    void rawNumber(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
        }
        int digits = 1;
        for (int v = n; v >= 10; v /= 10) {
            digits++;
        }
        room(digits);
        int end = rawLen + digits;
        for (int i = end - 1, v = n; i >= rawLen; i--, v /= 10) {
            raw[i] = (byte) ('0' + v % 10);
        }
        rawLen = end;
    }

    /** Flushes the generator (its bytes came first) and makes room for {@code n} more raw bytes (at most {@link #RAW_BYTES}). */
    private void room(int n) {
        if (g.getOutputBuffered() > 0) {
            flushGenerator();
        }
        if (n > raw.length - rawLen) {
            flushRaw();
            if (raw.length == 0) {
                raw = new byte[RAW_BYTES];
            }
        }
    }

    private void flushGenerator() {
        try {
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Moves what {@link #raw} gathered into the chunk's buffer. */
    private void flushRaw() {
        int n = rawLen;
        if (n > 0) {
            rawLen = 0;
            if (!closed) {
                buffer(n).writeBytes(raw, 0, n);
            }
        }
    }

    @Override
    public void write(int b) {
        flushRaw(); // the generator's bytes come after what raw gathered
        if (!closed) {
            buffer(1).writeByte(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        flushRaw();
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
