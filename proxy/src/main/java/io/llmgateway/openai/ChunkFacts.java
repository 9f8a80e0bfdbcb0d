package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.llmgateway.protocol.AnswerFacts;
import io.llmgateway.util.ByteSearch;

/**
 * Notes a streamed event's id, model and finish reasons ({@link AnswerFacts}) from the event's JSON as the tap
 * holds it: a byte search per key, no parse. The id and model are taken from the first events that have them
 * (every chunk repeats them); a {@code finish_reason} is searched in every event, skipping its nulls. A key
 * inside a text has escaped quotes, so a key after a backslash is not one.
 */
final class ChunkFacts {
    private static final byte[] ID = "\"id\":".getBytes(US_ASCII);
    private static final byte[] MODEL = "\"model\":".getBytes(US_ASCII);
    private static final byte[] FINISH_REASON = "\"finish_reason\":".getBytes(US_ASCII);
    private static final int ID_ANCHOR = 2; // the 'd'
    private static final int MODEL_ANCHOR = 1; // the 'm'
    private static final int FINISH_ANCHOR = 7; // the '_'

    private ChunkFacts() {}

    /** Notes what {@code data[0, len)}, one event's JSON, says into {@code into}. */
    static void read(byte[] data, int len, AnswerFacts into) {
        if (!into.hasIdAndModel()) {
            if (into.id() == null) {
                into.id(stringAfter(data, len, ID, ID_ANCHOR, 0));
            }
            if (into.model() == null) {
                into.model(stringAfter(data, len, MODEL, MODEL_ANCHOR, 0));
            }
        }
        for (int from = 0; from < len; ) {
            int at = ByteSearch.indexOf(data, from, len, FINISH_REASON, FINISH_ANCHOR);
            if (at < 0) {
                return;
            }
            from = at + FINISH_REASON.length;
            if (at == 0 || data[at - 1] != '\\') {
                into.finishReason(string(data, from, len));
            }
        }
    }

    /** The string value of the first {@code key} (unescaped) in {@code data[from, len)}, or null. */
    private static String stringAfter(byte[] data, int len, byte[] key, int anchor, int from) {
        for (int at; (at = ByteSearch.indexOf(data, from, len, key, anchor)) >= 0; from = at + key.length) {
            if (at == 0 || data[at - 1] != '\\') {
                return string(data, at + key.length, len);
            }
        }
        return null;
    }

    /** The JSON string starting at {@code i} after spaces, or null when none does (null, a number). */
    private static String string(byte[] data, int i, int len) {
        while (i < len && data[i] == ' ') {
            i++;
        }
        if (i >= len || data[i] != '"') {
            return null;
        }
        int start = ++i;
        for (; i < len; i++) {
            if (data[i] == '\\') {
                i++; // an escaped char: ids and reasons have none, and the cut value is only a label
            } else if (data[i] == '"') {
                return new String(data, start, i - start, UTF_8);
            }
        }
        return null;
    }
}
