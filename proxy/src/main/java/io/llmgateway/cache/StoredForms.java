package io.llmgateway.cache;

/**
 * An answer in the forms a hit writes: the JSON body, and the event stream in three parts (the events up to
 * the usage, the usage event that only clients that asked for it get, and the end), each pre-encoded.
 */
record StoredForms(byte[] json, byte[] stream, byte[] streamUsage, byte[] streamEnd) {
    /** The bytes these forms hold. */
    int bytes() {
        return json.length + stream.length + streamUsage.length + streamEnd.length;
    }
}
