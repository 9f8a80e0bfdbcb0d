package io.llmgateway.openai;

import io.llmgateway.util.PooledRecords;

/**
 * Events of one stream kept to be read later ({@link PooledRecords}): records of [data length][name
 * length][name][data] (4-byte lengths), the name typing a Responses API delta without a {@code type}. Used from
 * one thread.
 */
final class DeferredEvents extends PooledRecords {
    /**
     * Keeps an event's data and name; returns false, keeping nothing, when the records would outgrow
     * {@value #MAX_BYTES} bytes.
     */
    boolean add(byte[] name, int nameLen, byte[] data, int dataLen) {
        int need = 8 + nameLen + dataLen;
        if (!reserve(need)) {
            return false;
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
}
