package io.llmgateway.sse;

import static java.util.Objects.requireNonNull;

import io.llmgateway.util.ByteSearch;
import io.llmgateway.util.PerThreadPool;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Splits a server-sent-events stream, chunk by chunk, into events: each event's {@code data} (its lines
 * joined with LF) and {@code event} name, and where in the chunk it ends. Comments and other fields
 * ({@code id}, {@code retry}) are skipped. Knows nothing about what the data says.
 *
 * <p>Design notes:
 * <ul>
 * <li>Pull, not push: {@link #begin} takes a chunk, {@link #nextEvent} returns where the next event in it
 *     ends, and the event's fields are read from the framer until the next call. No callbacks, no
 *     allocation per chunk or event.</li>
 * <li>Each chunk is copied once into an array and its line ends are found there eight bytes at a time;
 *     reading a heap array is cheaper than reading the buffer (often direct) byte by byte.</li>
 * <li>Line endings are CRLF, LF or CR; a CR ending one chunk and an LF starting the next form one line
 *     break.</li>
 * <li>Memory is bounded by {@code maxEventBytes}: a longer line or event data is not kept, and the event is
 *     marked {@link #overflowed()} (it still ends where it ends).</li>
 * <li>The arrays come from a per-thread pool and go back to it on {@link #release()}.</li>
 * </ul>
 * One instance per stream, used from one thread.
 */
public final class SseFramer {
    /** An {@code event:} name is kept up to this many bytes. */
    public static final int MAX_EVENT_NAME = 128;
    /** A line over the bound keeps this much of its start, enough for the field name. */
    private static final int KEPT_LINE_START = 16;

    private static final PerThreadPool<Buffers> POOL = new PerThreadPool<>(256, Buffers::new);

    private final int maxEventBytes;
    private Buffers buffers;
    private byte[] chunk;
    private byte[] line;
    private byte[] data;
    private final byte[] eventName;

    private int base; // the chunk's reader index: positions in chunk[] are offsets from it
    private int pos;
    private int len;
    private boolean lastWasCR;

    private int lineLen;
    private boolean lineOverflow;
    private int dataLen;
    private int dataLines;
    private int eventNameLen;
    private boolean eventOverflow;
    private boolean eventDone; // the fields describe an event already returned: cleared on the next call

    /** @param maxEventBytes the longest line and event data kept (at least 16) */
    public SseFramer(int maxEventBytes) {
        if (maxEventBytes < KEPT_LINE_START) {
            throw new IllegalArgumentException("maxEventBytes: " + maxEventBytes + " (expected: >= 16)");
        }
        this.maxEventBytes = maxEventBytes;
        buffers = POOL.take();
        chunk = buffers.chunk;
        line = buffers.line;
        data = buffers.data;
        eventName = buffers.eventName;
    }

    /**
     * Starts on the next chunk of the stream: copies its readable bytes (the caller keeps {@code in}; the
     * positions {@link #nextEvent()} returns are its indices as they are now).
     */
    public void begin(ByteBuf in) {
        requireNonNull(in, "in");
        if (buffers == null) {
            throw new IllegalStateException("begin after release"); // its arrays may be another stream's now
        }
        base = in.readerIndex();
        len = in.readableBytes();
        if (chunk.length < len) {
            chunk = new byte[Math.max(len, chunk.length * 2)];
        }
        in.getBytes(base, chunk, 0, len);
        pos = 0;
        if (lastWasCR && len > 0 && chunk[0] == '\n') {
            pos = 1; // second half of a CRLF split across chunks
        }
        if (len > 0) {
            lastWasCR = false;
        }
    }

    /**
     * Reads the chunk up to the end of the next complete event and returns the buffer index just past the
     * blank line that ends it (its fields are then {@link #data()}, {@link #eventName()} ...), or -1 when
     * the rest of the chunk holds no event end (it is kept: the event continues in the next chunk).
     * Events without data (only comments, a lone {@code event:} line ...) are returned too.
     */
    public int nextEvent() {
        clearDoneEvent();
        byte[] bytes = chunk;
        int n = len;
        int i = pos;
        while (i < n) {
            int eol = ByteSearch.indexOfEither(bytes, i, n, (byte) '\n', (byte) '\r');
            if (eol < 0) {
                appendLine(bytes, i, n - i);
                break;
            }
            appendLine(bytes, i, eol - i);
            int next = eol + 1;
            if (bytes[eol] == '\r') {
                if (next < n) {
                    if (bytes[next] == '\n') {
                        next++;
                    }
                } else {
                    lastWasCR = true;
                }
            }
            i = next;
            if (endLine()) {
                pos = i;
                eventDone = true;
                return base + i;
            }
        }
        pos = n;
        return -1;
    }

    /**
     * The stream ended: an unterminated last line is taken as ended, and the fields describe what the
     * unterminated last event holds (which may be nothing).
     */
    public void finish() {
        clearDoneEvent();
        if (lineLen > 0 || lineOverflow) {
            endLine();
        }
    }

    /** The event's data (its {@code data:} lines joined with LF), valid up to {@link #dataLength()}. */
    public byte[] data() {
        return data;
    }

    public int dataLength() {
        return dataLen;
    }

    /** The event's {@code event:} name, cut at {@value #MAX_EVENT_NAME} bytes, valid up to {@link #eventNameLength()}. */
    public byte[] eventName() {
        return eventName;
    }

    /** 0 when the event has no name. */
    public int eventNameLength() {
        return eventNameLen;
    }

    /** Whether a line or the data of the event was over the bound: {@link #data()} is then incomplete. */
    public boolean overflowed() {
        return eventOverflow;
    }

    /** Returns the arrays to the thread's pool; the framer is not used after this. */
    public void release() {
        if (buffers != null) {
            buffers.keep(chunk, line, data);
            POOL.give(buffers);
            buffers = null;
        }
    }

    private void clearDoneEvent() {
        if (eventDone) {
            dataLen = 0;
            dataLines = 0;
            eventNameLen = 0;
            eventOverflow = false;
            eventDone = false;
        }
    }

    private void appendLine(byte[] src, int from, int n) {
        if (n == 0) {
            return;
        }
        if (lineOverflow || lineLen + n > maxEventBytes) {
            int keep = Math.min(n, Math.max(0, KEPT_LINE_START - lineLen));
            ensureLine(lineLen + keep);
            System.arraycopy(src, from, line, lineLen, keep);
            lineLen += keep;
            lineOverflow = true;
            return;
        }
        ensureLine(lineLen + n);
        System.arraycopy(src, from, line, lineLen, n);
        lineLen += n;
    }

    private void ensureLine(int n) {
        if (n > line.length) {
            line = Arrays.copyOf(line, Math.max(n, Math.min(line.length * 2, maxEventBytes)));
        }
    }

    /** Takes in the finished line; returns true when it was blank (the event is complete). */
    private boolean endLine() {
        if (lineLen == 0 && !lineOverflow) {
            return true;
        }
        if (lineLen > 0 && line[0] != ':') { // ':' starts a comment
            int colon = ByteSearch.indexOf(line, 0, lineLen, (byte) ':');
            int nameLen = colon < 0 ? lineLen : colon;
            int v = colon < 0 ? lineLen : colon + 1;
            if (v < lineLen && line[v] == ' ') {
                v++;
            }
            if (isName(nameLen, "data")) {
                if (lineOverflow) {
                    eventOverflow = true;
                } else {
                    appendData(v, lineLen - v);
                }
            } else if (isName(nameLen, "event") && !lineOverflow) {
                eventNameLen = Math.min(lineLen - v, MAX_EVENT_NAME);
                System.arraycopy(line, v, eventName, 0, eventNameLen);
            }
        }
        lineLen = 0;
        lineOverflow = false;
        return false;
    }

    private boolean isName(int nameLen, String name) {
        if (nameLen != name.length()) {
            return false;
        }
        for (int i = 0; i < nameLen; i++) {
            if (line[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void appendData(int from, int n) {
        if (eventOverflow) {
            return;
        }
        int sep = dataLines > 0 ? 1 : 0;
        int need = dataLen + sep + n;
        if (need > maxEventBytes) {
            eventOverflow = true;
            return;
        }
        if (need > data.length) {
            data = Arrays.copyOf(data, Math.max(need, Math.min(data.length * 2, maxEventBytes)));
        }
        if (sep == 1) {
            data[dataLen++] = '\n';
        }
        System.arraycopy(line, from, data, dataLen, n);
        dataLen += n;
        dataLines++;
    }

    /** A stream's arrays, kept for the next stream on the thread unless they grew large. */
    private static final class Buffers {
        private static final int MAX_KEPT_ARRAY = 16 * 1024;

        byte[] chunk = new byte[4096];
        byte[] line = new byte[256];
        byte[] data = new byte[1024];
        final byte[] eventName = new byte[MAX_EVENT_NAME];

        void keep(byte[] chunk, byte[] line, byte[] data) {
            this.chunk = chunk.length <= MAX_KEPT_ARRAY ? chunk : new byte[4096];
            this.line = line.length <= MAX_KEPT_ARRAY ? line : new byte[256];
            this.data = data.length <= MAX_KEPT_ARRAY ? data : new byte[1024];
        }
    }
}
