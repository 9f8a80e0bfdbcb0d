package io.llmgateway.util;

import java.util.Arrays;

/**
 * Records kept in one byte array to be read later, for a stream's events whose tokens are only needed when the
 * stream ends without usage (or breaks off): keeping their bytes costs less than parsing them on arrival. The
 * array holds at most {@value #MAX_BYTES} bytes; it is taken from a per-thread pool when first needed and goes
 * back to it on {@link #release()}, so a stream of many deltas does not allocate one. A subclass lays out its
 * records (4-byte lengths with {@link #putInt}). Used from one thread.
 */
public abstract class PooledRecords {
    public static final int MAX_BYTES = 256 * 1024;
    private static final int INITIAL_BYTES = 4096;
    private static final int MAX_POOLED_BYTES = 16 * 1024;
    private static final PerThreadPool<byte[]> POOL = new PerThreadPool<>(256, () -> new byte[INITIAL_BYTES]);

    /** No array yet: one is taken when the first record is kept. */
    private static final byte[] NONE = new byte[0];

    /** The records, {@code [0, length)}. */
    protected byte[] records = NONE;

    protected int length;
    private boolean released;

    /**
     * Makes room for {@code need} more bytes at {@code records[length]}; false, making none, after
     * {@link #release()} or when the records would outgrow {@value #MAX_BYTES} bytes.
     */
    protected final boolean reserve(int need) {
        if (released || length + need > MAX_BYTES) {
            return false;
        }
        if (records == NONE) {
            records = POOL.take();
        }
        if (length + need > records.length) {
            int size = records.length;
            while (size < length + need) {
                size *= 2;
            }
            records = Arrays.copyOf(records, Math.min(size, MAX_BYTES));
        }
        return true;
    }

    protected final void putInt(int at, int v) {
        records[at] = (byte) (v >>> 24);
        records[at + 1] = (byte) (v >>> 16);
        records[at + 2] = (byte) (v >>> 8);
        records[at + 3] = (byte) v;
    }

    protected final int getInt(int at) {
        return (records[at] & 0xff) << 24
                | (records[at + 1] & 0xff) << 16
                | (records[at + 2] & 0xff) << 8
                | (records[at + 3] & 0xff);
    }

    /** Forgets the kept records and gives the array back to the thread's pool; nothing is kept after. */
    public final void release() {
        released = true;
        length = 0;
        if (records != NONE) {
            if (records.length <= MAX_POOLED_BYTES) {
                POOL.give(records);
            }
            records = NONE;
        }
    }
}
