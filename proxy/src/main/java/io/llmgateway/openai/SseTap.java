package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a streamed (SSE) response as it is forwarded: finds {@code usage}, {@code data: [DONE]},
 * and counts the completion deltas, and optionally removes the usage-only chunk that the gateway
 * asked for on the client's behalf.
 *
 * <p>Design notes:
 * <ul>
 * <li>Output is never re-encoded: {@link #onChunk} returns the input itself, or retained slices of
 *     it. Only the tap copies bytes, into reusable arrays (the chunk, the current line, the current
 *     data).</li>
 * <li>Without dropping, every byte is returned at once. With dropping, the bytes of an event whose
 *     blank line has not arrived yet are held back (as retained slices) until it completes, because
 *     only then do we know whether it is the usage-only chunk. Upstreams write whole events per
 *     write, so in practice nothing waits; at worst one event is delayed until its end arrives.</li>
 * <li>Memory per stream is bounded by {@code maxEventBytes} (1 MiB): an event longer than that is
 *     passed through as it comes and is not analysed.</li>
 * <li>A payload is JSON-parsed at once only when a byte search shows it can hold usage (a "usage" key
 *     whose value is not null: OpenAI sends "usage":null in every chunk before the usage). Other events
 *     (the deltas) are not parsed when they arrive: their tokens are only needed when the stream ends
 *     without usage (or breaks off), so their data is kept (up to {@value #MAX_DEFERRED_BYTES} bytes per
 *     stream, then counted and dropped) and counted on demand by {@link #completionTokensEstimate()}.
 *     Parsing and tokenizing every delta cost more than everything else the gateway does per event.</li>
 * <li>Line endings are CRLF, LF or CR; a CR ending one chunk and an LF starting the next form one
 *     line break.</li>
 * </ul>
 * One instance per stream, used from one thread (the event loop).
 */
public final class SseTap implements AnswerTap {
    static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
    private static final int MAX_EVENT_NAME = 128;
    /** Delta events kept for counting later; past this they are counted at once. */
    static final int MAX_DEFERRED_BYTES = 256 * 1024;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
    private static final byte[] DONE = "[DONE]".getBytes(UTF_8);
    private static final byte[] USAGE = "\"usage\"".getBytes(UTF_8);
    private static final byte[] NULL_USAGE_END = "\"usage\":null}".getBytes(UTF_8);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Where the search anchors in {@link #USAGE}: its 'g', a rare letter in OpenAI's chunks ('"' is everywhere). */
    private static final int USAGE_ANCHOR = 4;
    private static final long ANCHOR_BYTES = 0x0101010101010101L * 'g';
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long LF_BYTES = LOW_BITS * '\n';
    private static final long CR_BYTES = LOW_BITS * '\r';
    private static final long HIGH_BITS = 0x8080808080808080L;

    private final boolean dropUsageOnlyChunk;
    private final TokenEstimator estimator;
    private final String encoding;
    private final int maxEventBytes;

    // Tap state: a copy of the chunk being read (as long as the upstream decoder's longest chunk, 64 KiB), the
    // current line and the current event's data, both capped. These arrays and the deferred events' come from
    // the thread's pool (see StreamArrays) and go back to it on release().
    private StreamArrays arrays;
    private byte[] chunk;
    private byte[] line;
    private int lineLen;
    private boolean lineOverflow;
    private boolean lastWasCR;
    private byte[] data;
    private int dataLen;
    private int dataLines;
    private boolean eventOverflow;
    private final byte[] eventName;
    private int eventNameLen;

    // Output state (dropping mode only).
    private ByteBuf held;              // bytes of the incomplete event from earlier chunks
    private boolean eventPassthrough;  // the incomplete event grew too big: its bytes flow out as they come
    private boolean endedAtCR;         // an event ended with the CR that ended the last chunk
    private boolean droppedAtCR;       // ... and it was dropped: drop the LF completing that CRLF too
    private final List<ByteBuf> pieces = new ArrayList<>(4);
    private int emitFrom;
    private int evStart;

    private final UsageBuilder usageBuilder = new UsageBuilder();
    private Usage usage;
    private boolean sawDone;
    private boolean sawEvent;
    private long completionTokens;
    private boolean ended;
    private StringBuilder transcript; // only when the interaction log keeps bodies
    private int transcriptMax;
    private boolean transcriptCut;
    // Delta events not counted yet: records of [data length][name length][name][data], 4-byte lengths.
    private byte[] deferred;
    private int deferredLen;

    /**
     * @param dropUsageOnlyChunk remove the {@code "choices":[]} usage chunk (the gateway injected
     *                           include_usage; the client did not ask for it)
     * @param encoding the encoding to count deltas with (see {@link TokenEstimator#encodingFor}); null
     *                 means cl100k_base
     */
    public SseTap(boolean dropUsageOnlyChunk, TokenEstimator estimator, String encoding) {
        this(dropUsageOnlyChunk, estimator, encoding, DEFAULT_MAX_EVENT_BYTES);
    }

    SseTap(boolean dropUsageOnlyChunk, TokenEstimator estimator, String encoding, int maxEventBytes) {
        this.dropUsageOnlyChunk = dropUsageOnlyChunk;
        this.estimator = requireNonNull(estimator, "estimator");
        this.encoding = encoding;
        if (maxEventBytes < 16) {
            throw new IllegalArgumentException("maxEventBytes: " + maxEventBytes + " (expected: >= 16)");
        }
        this.maxEventBytes = maxEventBytes;
        arrays = StreamArrays.take();
        chunk = arrays.chunk;
        line = arrays.line;
        data = arrays.data;
        eventName = arrays.eventName;
        deferred = arrays.deferred;
    }

    /**
     * Takes ownership of {@code in} and returns what to write to the client now (possibly
     * {@code in} itself, possibly empty), owned by the caller.
     */
    public ByteBuf onChunk(ByteBuf in) {
        requireNonNull(in, "in");
        if (ended) {
            in.release();
            throw new IllegalStateException("onChunk after onEnd/release");
        }
        if (!in.isReadable()) {
            return in;
        }
        boolean returnIn = false;
        try {
            int r0 = in.readerIndex();
            int w = in.writerIndex();
            emitFrom = r0;
            evStart = r0;
            // One copy of the chunk into an array, then one pass over it per line end: searching the buffer
            // (through its slice) for LF, after a whole-chunk search for CR, cost twice as much.
            int n = w - r0;
            byte[] bytes = chunkArray(n);
            in.getBytes(r0, bytes, 0, n);
            int i = 0; // positions below are in bytes[]; in's index is r0 + position
            if (lastWasCR && bytes[0] == '\n') {
                i++; // second half of a CRLF split across chunks
                if (endedAtCR) {
                    evStart = r0 + i; // the LF belongs to the event that ended, not to the next one
                }
                if (droppedAtCR) {
                    emitFrom = r0 + i;
                }
            }
            lastWasCR = false;
            endedAtCR = false;
            droppedAtCR = false;
            while (i < n) {
                int eol = indexOfLineEnd(bytes, i, n);
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
                if (endLine()) {
                    eventEnd(in, r0 + next, w);
                }
                i = next;
            }
            if (!dropUsageOnlyChunk) {
                returnIn = true;
                return in;
            }
            return output(in, r0, w);
        } finally {
            pieces.clear();
            if (!returnIn) {
                in.release();
            }
        }
    }

    /**
     * The stream ended: returns anything held back (owned by the caller; maybe empty). An
     * unterminated last event is still analysed, leniently.
     */
    public ByteBuf onEnd() {
        if (ended) {
            return Unpooled.EMPTY_BUFFER;
        }
        ended = true;
        if (lineLen > 0 || lineOverflow) {
            endLine();
        }
        boolean usageOnly = dispatch();
        ByteBuf h = held;
        held = null;
        if (h == null) {
            return Unpooled.EMPTY_BUFFER;
        }
        if (dropUsageOnlyChunk && usageOnly && !eventPassthrough) {
            h.release();
            return Unpooled.EMPTY_BUFFER;
        }
        return h;
    }

    /** Frees anything held back; for an aborted exchange. */
    public void release() {
        ended = true;
        if (held != null) {
            held.release();
            held = null;
        }
        deferredLen = 0; // nothing is read from the arrays from now on
        if (arrays != null) {
            arrays.give(chunk, line, data, deferred);
            arrays = null;
        }
    }

    /** The usage the stream reported (the last one seen), or {@code null}. */
    public Usage usage() {
        return usage;
    }

    /** Whether {@code data: [DONE]} was seen. */
    public boolean sawDone() {
        return sawDone;
    }

    /** Whether at least one event with data was seen. */
    public boolean sawEvent() {
        return sawEvent;
    }

    /**
     * Also assembles the text of the deltas (content, reasoning, refusals, tool calls), up to {@code maxChars},
     * for {@link #capturedText()}. Off by default: only the interaction log with bodies switched on asks.
     */
    public void captureText(int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars: " + maxChars + " (expected: >= 1)");
        }
        transcript = new StringBuilder(Math.min(maxChars, 1024));
        transcriptMax = maxChars;
    }

    /** The text assembled since {@link #captureText(int)}, or null when capturing is off. */
    public String capturedText() {
        if (transcript == null) {
            return null;
        }
        countDeferred(); // deltas are parsed lazily (see the class notes); the transcript needs them now
        return transcriptCut ? transcript + "...[truncated]" : transcript.toString();
    }

    /** Tokens of all completion deltas seen, for when the stream reports no usage. */
    public long completionTokensEstimate() {
        countDeferred();
        return completionTokens;
    }

    // ---- output assembly (dropping mode) ----

    private void eventEnd(ByteBuf in, int end, int w) {
        boolean usageOnly = dispatch();
        if (!dropUsageOnlyChunk) {
            return;
        }
        endedAtCR = end == w && lastWasCR;
        if (usageOnly && !eventPassthrough) {
            if (evStart > emitFrom) {
                pieces.add(in.retainedSlice(emitFrom, evStart - emitFrom));
            }
            if (held != null) {
                held.release();
                held = null;
            }
            emitFrom = end;
            droppedAtCR = endedAtCR;
        } else if (held != null) {
            pieces.add(held); // precedes every byte of this chunk
            held = null;
        }
        evStart = end;
        eventPassthrough = false;
    }

    private ByteBuf output(ByteBuf in, int r0, int w) {
        int emitEnd;
        if (eventPassthrough) {
            emitEnd = w;
        } else {
            long heldSize = (held == null ? 0 : held.readableBytes()) + (w - evStart);
            if (heldSize > maxEventBytes) {
                eventPassthrough = true;
                eventOverflow = true;
                if (held != null) {
                    pieces.add(held);
                    held = null;
                }
                emitEnd = w;
            } else {
                emitEnd = evStart;
            }
        }
        if (emitEnd == w && emitFrom == r0 && pieces.isEmpty() && held == null) {
            return in.retain(); // the finally block releases our reference
        }
        if (emitEnd > emitFrom) {
            pieces.add(in.retainedSlice(emitFrom, emitEnd - emitFrom));
        }
        if (emitEnd < w) {
            ByteBuf tail = in.retainedSlice(emitEnd, w - emitEnd);
            if (held == null) {
                held = tail;
            } else {
                CompositeByteBuf c = held instanceof CompositeByteBuf cb && cb.numComponents() < 1024
                                     ? cb : in.alloc().compositeBuffer(1024).addComponent(true, held);
                held = c.addComponent(true, tail);
            }
        }
        if (pieces.isEmpty()) {
            return Unpooled.EMPTY_BUFFER;
        }
        if (pieces.size() == 1) {
            return pieces.get(0);
        }
        return in.alloc().compositeBuffer(pieces.size()).addComponents(true, pieces);
    }

    // ---- line and event parsing ----

    private void appendLine(byte[] src, int from, int len) {
        if (len == 0) {
            return;
        }
        if (lineOverflow || lineLen + len > maxEventBytes) {
            // Keep the start (the field name) and mark the rest as lost.
            int keep = Math.min(len, Math.max(0, 16 - lineLen));
            ensureLine(lineLen + keep);
            System.arraycopy(src, from, line, lineLen, keep);
            lineLen += keep;
            lineOverflow = true;
            return;
        }
        ensureLine(lineLen + len);
        System.arraycopy(src, from, line, lineLen, len);
        lineLen += len;
    }

    /** The array the current chunk is copied into, from the stream's set, grown to hold {@code n} bytes. */
    private byte[] chunkArray(int n) {
        if (chunk.length < n) {
            chunk = new byte[Math.max(n, chunk.length * 2)];
        }
        return chunk;
    }

    private void ensureLine(int n) {
        if (n > line.length) {
            line = Arrays.copyOf(line, Math.max(n, Math.min(line.length * 2, maxEventBytes)));
        }
    }

    /** Processes the finished line; returns true when it was blank (the event is complete). */
    private boolean endLine() {
        if (lineLen == 0 && !lineOverflow) {
            return true;
        }
        if (lineLen > 0 && line[0] != ':') { // ':' starts a comment
            int colon = indexOf(line, lineLen, (byte) ':');
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

    private void appendData(int from, int len) {
        if (eventOverflow) {
            return;
        }
        int sep = dataLines > 0 ? 1 : 0;
        int need = dataLen + sep + len;
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
        System.arraycopy(line, from, data, dataLen, len);
        dataLen += len;
        dataLines++;
    }

    /** The event is complete: analyse it, reset. Returns true if it is a usage-only chunk. */
    private boolean dispatch() {
        boolean usageOnly = false;
        if (dataLen > 0 || eventOverflow) {
            sawEvent = true;
            if (!eventOverflow) {
                usageOnly = analyze();
            }
        }
        dataLen = 0;
        dataLines = 0;
        eventNameLen = 0;
        eventOverflow = false;
        return usageOnly;
    }

    private boolean analyze() {
        if (Arrays.equals(data, 0, dataLen, DONE, 0, DONE.length)) {
            sawDone = true;
            return false;
        }
        if (!mayHoldUsage(data, dataLen)) {
            defer(); // one byte search per event; whether it holds a delta is found out if it is ever counted
            return false;
        }
        return parse(data, 0, dataLen, eventName, 0, eventNameLen);
    }

    /** Keeps the current event's data and name for {@link #countDeferred()}. */
    private void defer() {
        int need = 8 + eventNameLen + dataLen;
        if (deferredLen + need > MAX_DEFERRED_BYTES) {
            countDeferred();
            if (need > MAX_DEFERRED_BYTES) {
                parse(data, 0, dataLen, eventName, 0, eventNameLen);
                return;
            }
        }
        if (deferred == null || deferredLen + need > deferred.length) {
            int size = deferred == null ? 4096 : deferred.length;
            while (size < deferredLen + need) {
                size *= 2;
            }
            deferred = Arrays.copyOf(deferred == null ? new byte[0] : deferred, Math.min(size, MAX_DEFERRED_BYTES));
        }
        putInt(deferredLen, dataLen);
        putInt(deferredLen + 4, eventNameLen);
        System.arraycopy(eventName, 0, deferred, deferredLen + 8, eventNameLen);
        System.arraycopy(data, 0, deferred, deferredLen + 8 + eventNameLen, dataLen);
        deferredLen += need;
    }

    /** Parses and counts the deferred delta events. */
    private void countDeferred() {
        int i = 0;
        while (i < deferredLen) {
            int len = getInt(i);
            int nameLen = getInt(i + 4);
            parse(deferred, i + 8 + nameLen, len, deferred, i + 8, nameLen);
            i += 8 + nameLen + len;
        }
        deferredLen = 0;
    }

    private void putInt(int at, int v) {
        deferred[at] = (byte) (v >>> 24);
        deferred[at + 1] = (byte) (v >>> 16);
        deferred[at + 2] = (byte) (v >>> 8);
        deferred[at + 3] = (byte) v;
    }

    private int getInt(int at) {
        return (deferred[at] & 0xff) << 24 | (deferred[at + 1] & 0xff) << 16 | (deferred[at + 2] & 0xff) << 8
               | (deferred[at + 3] & 0xff);
    }

    /**
     * Reads one event's JSON: keeps its usage, counts its deltas. Returns true if it is a usage-only chunk.
     */
    private boolean parse(byte[] buf, int off, int len, byte[] evName, int nameOff, int nameLen) {
        try (JsonParser p = FACTORY.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean usageHere = false;
            int choices = -1;
            String type = null;
            String delta = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "usage" -> usageHere |= t == JsonToken.START_OBJECT && readUsage(p);
                    case "choices" -> {
                        if (t == JsonToken.START_ARRAY) {
                            choices = 0;
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                choices++;
                                if (p.currentToken() == JsonToken.START_OBJECT) {
                                    readChoice(p);
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "type" -> type = t == JsonToken.VALUE_STRING ? p.getText() : type;
                    case "delta" -> {
                        if (t == JsonToken.VALUE_STRING) {
                            delta = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "response" -> {
                        if (t == JsonToken.START_OBJECT) {
                            readResponse(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (delta != null) {
                if (type == null && nameLen > 0) {
                    type = new String(evName, nameOff, nameLen, UTF_8);
                }
                if (isTextDelta(type)) {
                    count(delta);
                }
            }
            return usageHere && choices == 0;
        } catch (IOException | RuntimeException e) {
            return false; // not JSON we understand: forwarded untouched, just not tapped
        }
    }

    private static boolean isTextDelta(String type) {
        return type != null && (type.endsWith("text.delta") || type.equals("response.refusal.delta")
                                || type.equals("response.function_call_arguments.delta"));
    }

    /** Reads a usage object at its START_OBJECT; returns true if it had counters. */
    private boolean readUsage(JsonParser p) throws IOException {
        usageBuilder.reset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
                usageBuilder.accept(name, p.getLongValue());
            } else {
                p.skipChildren();
            }
        }
        Usage u = usageBuilder.build();
        if (u != null) {
            usage = u;
        }
        return u != null;
    }

    private void readResponse(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("usage".equals(name) && t == JsonToken.START_OBJECT) {
                readUsage(p);
            } else {
                p.skipChildren();
            }
        }
    }

    private void readChoice(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("delta".equals(name) && t == JsonToken.START_OBJECT) {
                readDelta(p);
            } else if ("text".equals(name) && t == JsonToken.VALUE_STRING) { // legacy completions
                count(p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    private void readDelta(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "content", "reasoning_content", "reasoning", "refusal" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        count(p.getText());
                    }
                }
                case "tool_calls" -> {
                    if (t == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() == JsonToken.START_OBJECT) {
                                readToolCall(p);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private void readToolCall(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("function".equals(name) && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    if ((f.equals("arguments") || f.equals("name")) && v == JsonToken.VALUE_STRING) {
                        count(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private void count(String text) {
        completionTokens += estimator.countText(text, encoding);
        if (transcript != null) {
            int room = transcriptMax - transcript.length();
            if (text.length() > room) {
                transcriptCut = true;
            }
            transcript.append(text, 0, Math.min(text.length(), room));
        }
    }

    /**
     * Whether a payload has a {@code "usage"} key whose value is not {@code null}. With include_usage, OpenAI
     * sends {@code "usage":null} in every chunk before the usage chunk; those are not worth a JSON parse.
     */
    static boolean mayHoldUsage(byte[] a, int len) {
        if (endsWithNullUsage(a, len)) {
            return false; // how OpenAI ends every chunk before the usage one: no search through the chunk
        }
        int from = 0;
        int at;
        while ((at = indexOfUsageKey(a, from, len)) >= 0) {
            int i = skipSpaces(a, at + USAGE.length, len);
            if (i >= len || a[i] != ':') {
                return true; // not a key after all (or cut short): let the parser decide
            }
            i = skipSpaces(a, i + 1, len);
            if (i + 4 > len || a[i] != 'n' || a[i + 1] != 'u' || a[i + 2] != 'l' || a[i + 3] != 'l') {
                return true;
            }
            from = i + 4;
        }
        return false;
    }

    /**
     * Whether the payload ends with <code>"usage":null}</code>: the top-level object's last key is a null usage
     * (the brace closing a nested object would be followed by another), so the chunk has no usage to take (a
     * second, earlier "usage" key in the same object would be a duplicate key, which no provider sends).
     */
    static boolean endsWithNullUsage(byte[] a, int len) {
        int start = len - NULL_USAGE_END.length;
        return start >= 0 && Arrays.equals(a, start, len, NULL_USAGE_END, 0, NULL_USAGE_END.length);
    }

    /**
     * The first {@code "usage"} in {@code a[from, len)}, or -1. Every event passes through here, so it reads
     * eight bytes at a time and flags those equal to 'g' with the classic has-zero-byte bit trick (exact for
     * the lowest flag, possibly false for higher ones, so each flag is verified). Compared byte by byte, this
     * search was half of the tap's time: 236 ns per event then, 142-152 ns now (JMH, SseTapBenchmark).
     */
    static int indexOfUsageKey(byte[] a, int from, int len) {
        int i = from + USAGE_ANCHOR; // where the anchor of a match at 'from' would be
        int end = len - (USAGE.length - USAGE_ANCHOR); // the last anchor position with room for the rest
        for (; i + 8 <= end + 1; i += 8) {
            long x = (long) LONGS.get(a, i) ^ ANCHOR_BYTES;
            long flags = (x - LOW_BITS) & ~x & HIGH_BITS;
            while (flags != 0) {
                int at = i + (Long.numberOfTrailingZeros(flags) >>> 3) - USAGE_ANCHOR;
                if (matchesUsage(a, at)) {
                    return at;
                }
                flags &= flags - 1;
            }
        }
        for (; i <= end; i++) {
            if (a[i] == 'g' && matchesUsage(a, i - USAGE_ANCHOR)) {
                return i - USAGE_ANCHOR;
            }
        }
        return -1;
    }

    /**
     * The first CR or LF in {@code a[from, to)}, or -1: eight bytes at a time, both bytes flagged with the
     * has-zero-byte trick (its lowest flag is exact, and the lowest of either pattern's is the first line end).
     */
    static int indexOfLineEnd(byte[] a, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long word = (long) LONGS.get(a, i);
            long lf = word ^ LF_BYTES;
            long cr = word ^ CR_BYTES;
            long flags = ((lf - LOW_BITS) & ~lf | (cr - LOW_BITS) & ~cr) & HIGH_BITS;
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == '\n' || a[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    private static boolean matchesUsage(byte[] a, int at) {
        for (int j = 0; j < USAGE.length; j++) {
            if (a[at + j] != USAGE[j]) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpaces(byte[] a, int i, int len) {
        while (i < len && (a[i] == ' ' || a[i] == '\t' || a[i] == '\n' || a[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static int indexOf(byte[] a, int len, byte b) {
        for (int i = 0; i < len; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The byte arrays of one stream, reused by the next stream on the same thread: allocated per stream they
     * were ~5 KB of garbage, a third of all the gateway allocated per streamed answer. Arrays that grew past
     * {@value #MAX_POOLED_ARRAY} bytes are left to the collector, and each thread keeps at most
     * {@value #MAX_POOLED} sets. A tap that is never released just leaves its arrays to the collector.
     */
    private static final class StreamArrays {
        private static final int MAX_POOLED = 256;
        private static final int MAX_POOLED_ARRAY = 16 * 1024;
        private static final FastThreadLocal<ArrayDeque<StreamArrays>> POOL = new FastThreadLocal<>() {
            @Override
            protected ArrayDeque<StreamArrays> initialValue() {
                return new ArrayDeque<>();
            }
        };

        byte[] chunk = new byte[4096];
        byte[] line = new byte[256];
        byte[] data = new byte[1024];
        final byte[] eventName = new byte[MAX_EVENT_NAME];
        byte[] deferred; // allocated when first needed

        static StreamArrays take() {
            StreamArrays a = POOL.get().pollFirst();
            return a != null ? a : new StreamArrays();
        }

        void give(byte[] chunk, byte[] line, byte[] data, byte[] deferred) {
            this.chunk = chunk.length <= MAX_POOLED_ARRAY ? chunk : new byte[4096];
            this.line = line.length <= MAX_POOLED_ARRAY ? line : new byte[256];
            this.data = data.length <= MAX_POOLED_ARRAY ? data : new byte[1024];
            this.deferred = deferred != null && deferred.length <= MAX_POOLED_ARRAY ? deferred : null;
            ArrayDeque<StreamArrays> pool = POOL.get();
            if (pool.size() < MAX_POOLED) {
                pool.addFirst(this);
            }
        }
    }
}
