package io.llmgateway.trace;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/*
 * Design notes
 * - Reads a provider's answer (JSON, or SSE events of JSON) for the span's response attributes without parsing
 *   it: the first "id" and "model" values and every string "finish_reason" / "stop_reason", in OpenAI's and
 *   Anthropic's formats alike. The first id and model of both formats' answers are the answer's own (a tool
 *   call's id comes later).
 * - A key inside a text is escaped (\"id\":), so a key preceded by a backslash is skipped.
 * - Byte by byte with a few chars of state, so a key split between two chunks is still found. Only sampled
 *   spans scan.
 */
/** Finds an answer's id, model and finish reasons in its raw bytes, chunk by chunk. */
final class AnswerScan {
    private static final String[] KEYS = {"\"id\":", "\"model\":", "\"finish_reason\":", "\"stop_reason\":"};
    private static final int ID = 0;
    private static final int MODEL = 1;
    private static final int MAX_VALUE_CHARS = 128;
    private static final int MAX_REASONS = 8;

    private final char[] recent = new char[24]; // a ring of the last chars outside values
    private int recentCount;
    private int capturing = -1; // the key whose value is being read
    private boolean inValue; // its opening quote was seen
    private boolean escaped;
    private final StringBuilder value = new StringBuilder();
    private String id;
    private String model;
    private final List<String> reasons = new ArrayList<>(1);

    void add(ByteBuf chunk) {
        for (int i = chunk.readerIndex(), end = chunk.writerIndex(); i < end; i++) {
            step((char) (chunk.getByte(i) & 0xff));
        }
    }

    private void step(char c) {
        if (capturing >= 0) {
            readValue(c);
            return;
        }
        recent[recentCount++ % recent.length] = c;
        if (c != ':') {
            return;
        }
        for (int k = 0; k < KEYS.length; k++) {
            if (endsWith(KEYS[k]) && wanted(k)) {
                capturing = k;
                inValue = false;
                escaped = false;
                value.setLength(0);
                return;
            }
        }
    }

    private void readValue(char c) {
        if (!inValue) {
            if (c == '"') {
                inValue = true;
            } else if (c != ' ') {
                capturing = -1; // null, a number: not a value kept
            }
            return;
        }
        if (escaped) {
            escaped = false;
        } else if (c == '\\') {
            escaped = true;
            return;
        } else if (c == '"') {
            keep(capturing, value.toString());
            capturing = -1;
            return;
        }
        if (value.length() < MAX_VALUE_CHARS) {
            value.append(c);
        }
    }

    private void keep(int key, String v) {
        if (key == ID) {
            id = v;
        } else if (key == MODEL) {
            model = v;
        } else if (!reasons.contains(v) && reasons.size() < MAX_REASONS) {
            reasons.add(v);
        }
    }

    private boolean wanted(int key) {
        return key == ID ? id == null : key == MODEL ? model == null : true;
    }

    /** Whether the last chars seen are {@code key}, not preceded by a backslash. */
    private boolean endsWith(String key) {
        int n = key.length();
        if (recentCount < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (recent[(recentCount - n + i) % recent.length] != key.charAt(i)) {
                return false;
            }
        }
        return recentCount == n || recent[(recentCount - n - 1) % recent.length] != '\\';
    }

    /** The answer's id, or null. */
    String id() {
        return id;
    }

    /** The model that answered, or null. */
    String model() {
        return model;
    }

    /** The finish reasons seen, in order. */
    List<String> reasons() {
        return reasons;
    }
}
