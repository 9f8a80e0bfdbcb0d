package io.llmgateway.openai;

import io.llmgateway.util.PerThreadPool;
import java.util.Arrays;

/**
 * Events kept to be read later: a delta's tokens are only needed when the stream ends without usage (or
 * breaks off), so its data is kept instead of parsed when it arrives. Records of [data length][name
 * length][name][data] (4-byte lengths) in one array, at most {@value #MAX_BYTES} bytes; the array comes
 * from a per-thread pool and goes back to it on {@link #release()}. Used from one thread.
 */
final class DeferredEvents {
    static final int MAX_BYTES = 256 * 1024;
    private static final int INITIAL_BYTES = 4096;
    private static final int MAX_POOLED_BYTES = 16 * 1024;
    private static final PerThreadPool<byte[]> POOL = new PerThreadPool<>(256, () -> new byte[INITIAL_BYTES]);

    private byte[] records; // taken when first needed
    private int length;
    private boolean released;

    /**
     * Keeps an event's data and name; returns false, keeping nothing, when the records would outgrow
     * {@value #MAX_BYTES} bytes.
     */
    boolean add(byte[] name, int nameLen, byte[] data, int dataLen) {
        int need = 8 + nameLen + dataLen;
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
        putInt(length, dataLen);
        putInt(length + 4, nameLen);
        System.arraycopy(name, 0, records, length + 8, nameLen);
        System.arraycopy(data, 0, records, length + 8 + nameLen, dataLen);
        length += need;
        return true;
    }

    /** Reads the kept events with {@code reader}, in order, and forgets them. */
    void drainTo(StreamEventReader reader) {
        int i = 0;
        while (i < length) {
            int dataLen = getInt(i);
            int nameLen = getInt(i + 4);
            reader.read(records, i + 8 + nameLen, dataLen, records, i + 8, nameLen);
            i += 8 + nameLen + dataLen;
        }
        length = 0;
    }

    /** Forgets the kept events and returns the array to the thread's pool. */
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

    private void putInt(int at, int v) {
        records[at] = (byte) (v >>> 24);
        records[at + 1] = (byte) (v >>> 16);
        records[at + 2] = (byte) (v >>> 8);
        records[at + 3] = (byte) v;
    }

    private int getInt(int at) {
        return (records[at] & 0xff) << 24
                | (records[at + 1] & 0xff) << 16
                | (records[at + 2] & 0xff) << 8
                | (records[at + 3] & 0xff);
    }
}
