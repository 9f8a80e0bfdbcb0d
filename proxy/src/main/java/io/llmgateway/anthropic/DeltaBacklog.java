package io.llmgateway.anthropic;

import io.llmgateway.util.PerThreadPool;
import java.util.Arrays;

/**
 * The data of the {@code content_block_delta} events of one stream, kept to be read later: their tokens are only
 * needed when the stream ends without usage (or breaks off), so a delta is kept instead of parsed when it
 * arrives. Records of [4-byte length][data] in one array of at most {@value #MAX_BYTES} bytes, taken from a
 * per-thread pool and given back on {@link #release()}. Used from one thread.
 */
final class DeltaBacklog {
    static final int MAX_BYTES = 256 * 1024;
    private static final int INITIAL_BYTES = 4096;
    private static final int MAX_POOLED_BYTES = 16 * 1024;
    private static final PerThreadPool<byte[]> POOL = new PerThreadPool<>(256, () -> new byte[INITIAL_BYTES]);

    /** Reads one kept event's data. */
    interface Reader {
        void read(byte[] data, int off, int len);
    }

    private byte[] records; // taken when first needed
    private int length;
    private boolean released;

    /** Keeps {@code data[0, len)}; false, keeping nothing, when the backlog would outgrow its bound. */
    boolean add(byte[] data, int len) {
        int need = 4 + len;
        if (released || length + need > MAX_BYTES) {
            return false;
        }
        if (records == null) {
            records = POOL.take();
        }
        if (length + need > records.length) {
            int size = records.length;
            while (size < length + need) {
                size *= 2;
            }
            records = Arrays.copyOf(records, Math.min(size, MAX_BYTES));
        }
        records[length] = (byte) (len >>> 24);
        records[length + 1] = (byte) (len >>> 16);
        records[length + 2] = (byte) (len >>> 8);
        records[length + 3] = (byte) len;
        System.arraycopy(data, 0, records, length + 4, len);
        length += need;
        return true;
    }

    /** Hands every kept event to {@code reader}, in order, and forgets them. */
    void drainTo(Reader reader) {
        int i = 0;
        while (i < length) {
            int len = (records[i] & 0xff) << 24
                    | (records[i + 1] & 0xff) << 16
                    | (records[i + 2] & 0xff) << 8
                    | (records[i + 3] & 0xff);
            reader.read(records, i + 4, len);
            i += 4 + len;
        }
        length = 0;
    }

    /** Forgets the kept events and gives the array back to the thread's pool. */
    void release() {
        released = true;
        length = 0;
        if (records != null) {
            if (records.length <= MAX_POOLED_BYTES) {
                POOL.give(records);
            }
            records = null;
        }
    }
}
