package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The content blocks of one translated stream: which block is open, the next index, the tool calls, and the
 * events that open, fill and close them.
 *
 * <p>Design notes:
 * <ul>
 * <li>Anthropic's blocks follow one another: a block gets deltas only between its start and its stop, and
 *     a stopped block gets none. Chat deltas are mapped so: reasoning goes to a thinking block, text to a
 *     text block (each kind change closes the open block and opens a new one), and each tool call to its
 *     own {@code tool_use} block whose {@code input_json_delta}s are its argument fragments as they come.</li>
 * <li>Chat numbers tool calls by {@code index}, and a provider may send fragments of several calls
 *     interleaved. The first call's block opens at once; fragments of later calls are held until the open
 *     call's arguments form a whole JSON value (a call gets no more fragments then), and then its block
 *     stops and the next call's opens with what it held. Calls that stream one after another (what OpenAI
 *     does) are never held. A provider that numbers every call 0 and tells them apart by id (Ollama) gets a
 *     new block for each new id.</li>
 * </ul>
 */
final class MessagesViaChatBlocks {
    enum Kind {
        TEXT,
        THINKING
    }

    private final MessagesViaChatEvents out;
    private final String requestedModel;
    private String id = "";
    private String model = "";
    /** The answer was a refusal: its finish reason "stop" means Anthropic's "refusal". */
    boolean refused;

    private boolean started;
    private int nextIndex;
    private int openIndex = -1; // the open text or thinking block
    private Kind openKind = Kind.TEXT;
    private final List<MessagesViaChatToolCall> calls = new ArrayList<>();
    private MessagesViaChatToolCall current; // the tool call whose block is open

    MessagesViaChatBlocks(MessagesViaChatEvents out, String requestedModel) {
        this.out = out;
        this.requestedModel = requestedModel;
    }

    /** Whether {@code message_start} went out. */
    boolean started() {
        return started;
    }

    /** Takes the answer's {@code id} or {@code model} ({@code field}) as the provider names it. */
    void name(String field, String value) {
        if (field.equals("id")) {
            id = value;
        } else {
            model = value;
        }
    }

    /** A fragment of text or reasoning. */
    void text(Kind kind, char[] c, int off, int len) {
        try {
            openText(kind);
            out.delta(openIndex, deltaType(kind), c, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fragment of text or reasoning given as the escaped bytes {@code b[off, off + len)} of a JSON string. */
    void text(Kind kind, byte[] b, int off, int len) {
        try {
            openText(kind);
            out.delta(openIndex, deltaType(kind), b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SerializedString deltaType(Kind kind) {
        return kind == Kind.TEXT ? MessagesViaChatEvents.TEXT_DELTA : MessagesViaChatEvents.THINKING_DELTA;
    }

    /** Starts the message if need be and opens a {@code kind} block unless one is open. */
    private void openText(Kind kind) throws IOException {
        start();
        if (openIndex < 0 || openKind != kind) {
            closeAll();
            openIndex = nextIndex++;
            openKind = kind;
            out.textBlockStart(openIndex, kind == Kind.THINKING);
        }
    }

    /** A fragment of the tool call {@code index}: its id and name when given, and {@code args[0, len)}. */
    void toolCall(int index, String callId, String name, char[] args, int len) {
        try {
            start();
            MessagesViaChatToolCall call = find(index, callId);
            if (call == null) {
                call = new MessagesViaChatToolCall(index);
                calls.add(call);
            }
            if (call.id == null) {
                call.id = callId;
            }
            if (call.name == null) {
                call.name = name;
            }
            if (len > 0 && !call.closed) { // a closed call's arguments were whole: nothing can follow
                call.scan(args, 0, len);
                if (call.open()) {
                    argumentsDelta(call.block, args, 0, len);
                } else {
                    call.held.append(args, 0, len);
                }
            }
            advance();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes every block, opening and closing first the tool calls still held. */
    void closeAll() {
        try {
            if (openIndex >= 0) {
                out.blockStop(openIndex);
                openIndex = -1;
            }
            if (current != null) {
                stopCall();
            }
            for (MessagesViaChatToolCall call : calls) {
                if (call.block < 0) {
                    openCall(call);
                    stopCall();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the message: every block closed, {@code message_delta} and {@code message_stop}. */
    void end(String finish, String stopSequence, MessagesViaChatAnswer usage, long outputEstimate) {
        try {
            start();
            closeAll();
            boolean stopped = stopSequence != null && finish.equals("stop");
            JsonGenerator g = out.open(MessagesViaChatEvents.MESSAGE_DELTA);
            g.writeObjectFieldStart("delta");
            g.writeStringField(
                    "stop_reason", stopped ? "stop_sequence" : MessagesViaChatAnswer.stopReason(finish, refused));
            if (stopped) {
                g.writeStringField("stop_sequence", stopSequence);
            } else {
                g.writeNullField("stop_sequence");
            }
            g.writeEndObject();
            usage.writeUsage(g, outputEstimate);
            out.close();
            out.open(MessagesViaChatEvents.MESSAGE_STOP);
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An {@code event: error}; nothing follows it. */
    void error(String type, String message) {
        try {
            JsonGenerator g = out.open(MessagesViaChatEvents.ERROR);
            g.writeObjectFieldStart("error");
            g.writeStringField("type", type);
            g.writeStringField("message", message);
            g.writeEndObject();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code message_start} before the first block. */
    private void start() throws IOException {
        if (started) {
            return;
        }
        started = true;
        if (id.isEmpty()) {
            id = Long.toHexString(ThreadLocalRandom.current().nextLong());
        }
        id = MessagesViaChatAnswer.messageId(id);
        JsonGenerator g = out.open(MessagesViaChatEvents.MESSAGE_START);
        g.writeObjectFieldStart("message");
        g.writeStringField("id", id);
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", model.isEmpty() ? requestedModel : model);
        g.writeArrayFieldStart("content");
        g.writeEndArray();
        g.writeNullField("stop_reason");
        g.writeNullField("stop_sequence");
        new MessagesViaChatAnswer().writeUsage(g, 0); // zeros: the real counts come with message_delta
        g.writeEndObject();
        out.close();
    }

    /** The call that fragment of call {@code index} belongs to, or null for a new call. */
    private MessagesViaChatToolCall find(int index, String callId) {
        for (int i = calls.size() - 1; i >= 0; i--) {
            MessagesViaChatToolCall call = calls.get(i);
            if (call.chatIndex == index) {
                boolean otherId = callId != null && call.id != null && !callId.equals(call.id);
                return otherId ? null : call;
            }
        }
        return null;
    }

    /** Opens the next held call's block while the open call is done or none is open. */
    private void advance() throws IOException {
        while (true) {
            MessagesViaChatToolCall next = null;
            for (int i = 0; i < calls.size(); i++) { // indexed: a fragment costs no iterator
                if (calls.get(i).block < 0) {
                    next = calls.get(i);
                    break;
                }
            }
            if (next == null) {
                return;
            }
            if (current != null) {
                if (!current.whole()) {
                    return; // the open call may get more fragments: the next one waits
                }
                stopCall();
            }
            openCall(next);
        }
    }

    private void openCall(MessagesViaChatToolCall call) throws IOException {
        if (openIndex >= 0) {
            out.blockStop(openIndex);
            openIndex = -1;
        }
        call.block = nextIndex++;
        current = call;
        JsonGenerator g = out.open(MessagesViaChatEvents.CONTENT_BLOCK_START);
        g.writeNumberField("index", call.block);
        g.writeObjectFieldStart("content_block");
        g.writeStringField("type", "tool_use");
        g.writeStringField("id", call.id != null ? call.id : id + "_" + call.block);
        g.writeStringField("name", call.name != null ? call.name : "");
        g.writeObjectFieldStart("input");
        g.writeEndObject();
        g.writeEndObject();
        out.close();
        if (call.held.length() > 0) {
            char[] held = new char[call.held.length()];
            call.held.getChars(0, held.length, held, 0);
            call.held.setLength(0);
            argumentsDelta(call.block, held, 0, held.length);
        }
    }

    private void stopCall() throws IOException {
        out.blockStop(current.block);
        current.closed = true;
        current = null;
    }

    private void argumentsDelta(int index, char[] c, int off, int len) throws IOException {
        out.delta(index, MessagesViaChatEvents.INPUT_JSON_DELTA, c, off, len);
    }
}
