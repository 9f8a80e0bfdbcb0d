package io.llmgateway.trace;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/*
 * Design notes
 * - For the answers whose tap does not note these facts itself (AnswerTap.noteFacts: the translated ones), so
 *   that a traced answer of any dialect has them; the pass-through taps note them on the scan they make anyway.
 * - Reads a provider's answer (JSON, or SSE events of JSON) for the span's response attributes without parsing
 *   it: the first "id" and "model" values and every string "finish_reason" / "stop_reason", in OpenAI's and
 *   Anthropic's formats alike. The first id and model of both formats' answers are the answer's own (a tool
 *   call's id comes later).
 * - A key inside a text is escaped (\"id\":), so a key preceded by a backslash is skipped.
 * - Jumps from colon to colon (Netty's indexOf searches a word at a time) and compares the bytes before each
 *   with the keys; the last bytes of the previous chunk are kept, so a key split between chunks is still found.
 *   Only sampled spans scan.
 */
/** Finds an answer's id, model and finish reasons in its raw bytes, chunk by chunk. */
final class AnswerScan {
    private static final byte[][] KEYS = {
        bytes("\"id\":"), bytes("\"model\":"), bytes("\"finish_reason\":"), bytes("\"stop_reason\":")
    };
    private static final int ID = 0;
    private static final int MODEL = 1;
    private static final int CARRY = 24; // more than the longest key and the backslash before it
    private static final int MAX_VALUE_CHARS = 128;
    private static final int MAX_REASONS = 8;

    private final byte[] carry = new byte[CARRY]; // the previous chunks' last bytes
    private int carried;
    private int capturing = -1; // the key whose value is being read
    private boolean inValue; // its opening quote was seen
    private boolean escaped;
    private final StringBuilder value = new StringBuilder();
    private String id;
    private String model;
    private final List<String> reasons = new ArrayList<>(1);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    void add(ByteBuf chunk) {
        int start = chunk.readerIndex();
        int end = chunk.writerIndex();
        int i = start;
        while (i < end) {
            if (capturing >= 0) {
                i = readValue(chunk, i, end);
                continue;
            }
            int colon = chunk.indexOf(i, end, (byte) ':');
            if (colon < 0) {
                break;
            }
            keyBefore(chunk, start, colon);
            i = colon + 1;
        }
        keepTail(chunk, start, end);
    }

    /** Starts reading a value when the bytes up to the colon at {@code colon} are a wanted key. */
    private void keyBefore(ByteBuf chunk, int start, int colon) {
        for (int k = 0; k < KEYS.length; k++) {
            if (wanted(k) && endsAt(chunk, start, colon, KEYS[k])) {
                capturing = k;
                inValue = false;
                escaped = false;
                value.setLength(0);
                return;
            }
        }
    }

    private boolean endsAt(ByteBuf chunk, int start, int colon, byte[] key) {
        int first = colon - key.length + 1;
        for (int j = key.length - 1; j >= 0; j--) {
            if (byteAt(chunk, start, first + j) != key[j]) {
                return false;
            }
        }
        return byteAt(chunk, start, first - 1) != '\\';
    }

    /** The byte at {@code pos} of the stream, from the chunk or before it from the carry; -1 when unknown. */
    private int byteAt(ByteBuf chunk, int start, int pos) {
        if (pos >= start) {
            return chunk.getByte(pos);
        }
        int back = start - pos; // 1 = the last byte carried
        return back <= carried ? carry[carried - back] : -1;
    }

    private void keepTail(ByteBuf chunk, int start, int end) {
        int n = Math.min(CARRY, end - start);
        int keepOld = Math.min(carried, CARRY - n);
        System.arraycopy(carry, carried - keepOld, carry, 0, keepOld);
        chunk.getBytes(end - n, carry, keepOld, n);
        carried = keepOld + n;
    }

    /** Reads the value being captured from {@code i}; returns where reading stopped. */
    private int readValue(ByteBuf chunk, int i, int end) {
        for (; i < end; i++) {
            char c = (char) (chunk.getByte(i) & 0xff);
            if (!inValue) {
                if (c == '"') {
                    inValue = true;
                } else if (c != ' ') {
                    capturing = -1; // null, a number: not a value kept
                    return i;
                }
                continue;
            }
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
                continue;
            } else if (c == '"') {
                keep(capturing, value.toString());
                capturing = -1;
                return i + 1;
            }
            if (value.length() < MAX_VALUE_CHARS) {
                value.append(c);
            }
        }
        return end;
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
        return key == ID ? id == null : key != MODEL || model == null;
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
