package io.llmgateway.anthropic;

import io.llmgateway.util.PooledRecords;

/**
 * The data of the {@code content_block_delta} events of one stream, kept to be read later
 * ({@link PooledRecords}): records of [4-byte length][data]. Used from one thread.
 */
final class DeltaBacklog extends PooledRecords {
    /** Reads one kept event's data. */
    interface Reader {
        void read(byte[] data, int off, int len);
    }

    /** Keeps {@code data[0, len)}; false, keeping nothing, when the backlog would outgrow its bound. */
    boolean add(byte[] data, int len) {
        int need = 4 + len;
        if (!reserve(need)) {
            return false;
        }
        putInt(length, len);
        System.arraycopy(data, 0, records, length + 4, len);
        length += need;
        return true;
    }

    /** Hands every kept event to {@code reader}, in order, and forgets them. */
    void drainTo(Reader reader) {
        int i = 0;
        while (i < length) {
            int len = getInt(i);
            reader.read(records, i + 4, len);
            i += 4 + len;
        }
        length = 0;
    }
}
