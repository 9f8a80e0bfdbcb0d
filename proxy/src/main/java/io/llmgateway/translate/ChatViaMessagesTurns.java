package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.BadRequestException;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Writes a Chat Completions {@code messages} array as the Messages API's {@code messages} and {@code system}.
 *
 * <p>Design notes:
 * <ul>
 * <li>The Messages API alternates user and assistant turns: consecutive messages of one role become one turn
 *     (a turn is opened at its first content block and closed when a block of the other role comes), and
 *     {@code tool} messages are user content ({@code tool_result} blocks). {@code system} and {@code developer}
 *     messages, wherever they are, go in order into the top-level {@code system} blocks.</li>
 * <li>A run of {@code tool} messages becomes the {@code tool_result} blocks at the start of one user turn, in the
 *     order of the calls of the assistant turn before it (the order the provider expects); results of unknown
 *     calls follow in the order they came. A run is held (each result as its JSON text) until it ends.</li>
 * <li>Texts and images are copied from the request's bytes without becoming Strings (see {@link ChatViaObject}).
 *     {@code cache_control} on a content part is copied untouched to its block; on a message with string content
 *     (and on a tool message), to the message's one block.</li>
 * <li>What the Messages API cannot carry is refused with a 400 naming the field: a message's {@code name},
 *     audio, legacy function calls, content parts other than text and images. An assistant message's
 *     {@code reasoning_content} (echoed by clients that keep the whole answer) is left out: a thinking block
 *     without its signature is refused by the provider, and earlier turns' thinking is not used anyway; the
 *     blocks themselves, signature included, come back as {@code thinking_blocks} (see {@link #thinkingBlocks}).</li>
 * </ul>
 */
final class ChatViaMessagesTurns {
    private static final Set<String> MESSAGE_FIELDS = Set.of(
            "role",
            "content",
            "name",
            "tool_calls",
            "tool_call_id",
            "refusal",
            "audio",
            "function_call",
            "reasoning_content",
            "thinking_blocks",
            "cache_control");
    private static final Set<String> CALL_FIELDS = Set.of("id", "type", "function");
    private static final Set<String> FUNCTION_FIELDS = Set.of("name", "arguments");
    private static final String USER = "user";
    private static final String ASSISTANT = "assistant";

    private final JsonGenerator g;
    private String open; // the role of the turn being written, or null
    private String last; // the role of the last turn written
    // What the last turns hold: whether a tool-use loop is under way, and with thinking.
    private boolean assistantToolUse;
    private boolean assistantThinks;
    private boolean userResults;
    /** The ids of the tool calls of the last assistant turn, in order. */
    private final List<String> calls = new ArrayList<>();
    /** The tool results of the current run of tool messages. */
    private final List<Result> results = new ArrayList<>();

    private StringWriter systemText;
    private JsonGenerator system;

    private record Result(int order, String json) {}

    ChatViaMessagesTurns(JsonGenerator g) {
        this.g = g;
    }

    /** Writes {@code "messages": [...]}; the system blocks are kept for {@link #writeSystem}. */
    void write(List<ChatViaObject> messages) throws IOException, BadRequestException {
        g.writeArrayFieldStart("messages");
        for (ChatViaObject m : messages) {
            message(m);
        }
        flushResults();
        closeTurn();
        g.writeEndArray();
    }

    /** Writes {@code "system": [...]} when there were system or developer messages. */
    void writeSystem() throws IOException {
        if (system == null) {
            return;
        }
        system.writeEndArray();
        system.close();
        g.writeFieldName("system");
        g.writeRawValue(systemText.toString());
    }

    private void message(ChatViaObject m) throws IOException, BadRequestException {
        String unknown = m.unknown(MESSAGE_FIELDS);
        if (unknown != null) {
            throw m.unsupported(unknown, "is not a known message field.");
        }
        for (String field : List.of("name", "audio", "function_call")) {
            if (m.present(field)) {
                throw m.unsupported(field, "is not supported.");
            }
        }
        String role = m.string("role");
        if (role == null) {
            throw m.missing("role");
        }
        if (m.present("cache_control") && !role.equals("tool") && m.token("content") != JsonToken.VALUE_STRING) {
            throw m.unsupported(
                    "cache_control", "is only supported with string content here: put it on a content part.");
        }
        switch (role) {
            case "system", "developer" -> system(m);
            case USER -> {
                flushResults();
                user(m);
            }
            case ASSISTANT -> {
                flushResults();
                assistant(m);
            }
            case "tool" -> tool(m);
            default ->
                throw m.invalidValue(
                        "role",
                        "expected one of system, developer, user, assistant, tool (legacy function messages are"
                                + " not supported).");
        }
    }

    // ---- system --------------------------------------------------------------------------------------------

    private void system(ChatViaObject m) throws IOException, BadRequestException {
        if (system == null) {
            systemText = new StringWriter(256);
            system = ChatViaObject.FACTORY.createGenerator(systemText);
            system.writeStartArray();
        }
        if (m.token("content") == JsonToken.VALUE_STRING) {
            if (!m.emptyString("content")) { // the provider refuses empty text blocks
                system.writeStartObject();
                system.writeStringField("type", "text");
                system.writeFieldName("text");
                m.writeString("content", system);
                m.copyField("cache_control", system);
                system.writeEndObject();
            }
            return;
        }
        for (ChatViaObject part : ChatViaParts.parts(m)) {
            ChatViaParts.textPart(part, system);
        }
    }

    // ---- user ----------------------------------------------------------------------------------------------

    private void user(ChatViaObject m) throws IOException, BadRequestException {
        if (m.token("content") == JsonToken.VALUE_STRING) {
            block(USER);
            ChatViaParts.textBlock(m, "content", g);
            return;
        }
        for (ChatViaObject part : ChatViaParts.parts(m)) {
            String type = ChatViaParts.partType(part);
            block(USER);
            switch (type) {
                case "text" -> ChatViaParts.textPart(part, g);
                case "image_url" -> ChatViaImages.write(part, g);
                default ->
                    throw part.unsupported("type", "of content part is not supported (text and image_url parts are).");
            }
        }
    }

    // ---- assistant -----------------------------------------------------------------------------------------

    private void assistant(ChatViaObject m) throws IOException, BadRequestException {
        thinkingBlocks(m);
        if (m.token("content") == JsonToken.VALUE_STRING) {
            if (!m.emptyString("content")) {
                block(ASSISTANT);
                ChatViaParts.textBlock(m, "content", g);
            }
        } else {
            for (ChatViaObject part : ChatViaParts.parts(m)) {
                String type = ChatViaParts.partType(part);
                if (!type.equals("text") && !type.equals("refusal")) {
                    throw part.unsupported("type", "of assistant content part is not supported (text is).");
                }
                String field = type.equals("text") ? "text" : "refusal";
                if (!part.emptyString(field)) {
                    block(ASSISTANT);
                    ChatViaParts.textBlock(part, field, g);
                }
            }
        }
        if (m.present("refusal") && !m.emptyString("refusal")) {
            block(ASSISTANT);
            ChatViaParts.textBlock(m, "refusal", g);
        }
        List<ChatViaObject> toolCalls = m.objects("tool_calls");
        for (ChatViaObject call : toolCalls) {
            block(ASSISTANT);
            toolUse(call);
        }
    }

    /**
     * The provider's own thinking blocks of an earlier answer, as clients that keep them send them back
     * ({@code thinking_blocks}, the field LiteLLM uses): copied as they are, signature included, first in the turn.
     */
    private void thinkingBlocks(ChatViaObject m) throws IOException, BadRequestException {
        if (!m.present("thinking_blocks")) {
            return;
        }
        for (ChatViaObject b : m.objects("thinking_blocks")) {
            String type = b.string("type");
            if (!"thinking".equals(type) && !"redacted_thinking".equals(type)) {
                throw b.invalidValue("type", "expected thinking or redacted_thinking.");
            }
        }
        try (JsonParser p = m.open("thinking_blocks")) {
            for (JsonToken t = p.nextToken(); t == JsonToken.START_OBJECT; t = p.nextToken()) {
                block(ASSISTANT);
                g.copyCurrentStructure(p);
                assistantThinks = true;
            }
        }
    }

    /**
     * Whether the conversation ends in a tool-use loop whose assistant turn has no thinking block: with
     * thinking on, the provider refuses such a request (the turn's thinking, with its signature, must come
     * back), so thinking is left off for it. OpenAI clients have no field for the blocks; a client that kept
     * them sends {@code thinking_blocks}.
     */
    boolean toolLoopWithoutThinking() {
        return USER.equals(last) && userResults && assistantToolUse && !assistantThinks;
    }

    private void toolUse(ChatViaObject call) throws IOException, BadRequestException {
        String unknown = call.unknown(CALL_FIELDS);
        if (unknown != null) {
            throw call.unsupported(unknown, "is not a known tool call field.");
        }
        String type = call.string("type");
        if (type != null && !type.equals("function")) {
            throw call.unsupported("type", "of tool call is not supported (function is).");
        }
        String id = call.string("id");
        if (id == null) {
            throw call.missing("id");
        }
        ChatViaObject function = call.object("function");
        if (function == null) {
            throw call.missing("function");
        }
        unknown = function.unknown(FUNCTION_FIELDS);
        if (unknown != null) {
            throw function.unsupported(unknown, "is not a known function field.");
        }
        if (!function.present("name")) {
            throw function.missing("name");
        }
        calls.add(id);
        assistantToolUse = true;
        g.writeStartObject();
        g.writeStringField("type", "tool_use");
        g.writeStringField("id", id);
        g.writeFieldName("name");
        function.writeString("name", g);
        g.writeFieldName("input");
        ChatViaArguments.write(function, g);
        g.writeEndObject();
    }

    // ---- tool ----------------------------------------------------------------------------------------------

    private void tool(ChatViaObject m) throws IOException, BadRequestException {
        String id = m.string("tool_call_id");
        if (id == null) {
            throw m.missing("tool_call_id");
        }
        StringWriter text = new StringWriter(64 + Math.max(0, m.rawLength("content")));
        try (JsonGenerator r = ChatViaObject.FACTORY.createGenerator(text)) {
            r.writeStartObject();
            r.writeStringField("type", "tool_result");
            r.writeStringField("tool_use_id", id);
            if (m.token("content") == JsonToken.VALUE_STRING) {
                r.writeFieldName("content");
                m.writeString("content", r);
            } else if (m.present("content")) {
                r.writeArrayFieldStart("content");
                for (ChatViaObject part : ChatViaParts.parts(m)) {
                    if (!ChatViaParts.partType(part).equals("text")) {
                        throw part.unsupported("type", "of tool message content part is not supported (text is).");
                    }
                    ChatViaParts.textPart(part, r);
                }
                r.writeEndArray();
            }
            m.copyField("cache_control", r);
            r.writeEndObject();
        }
        int call = calls.indexOf(id);
        results.add(new Result(call >= 0 ? call : calls.size() + results.size(), text.toString()));
    }

    /** Writes the held tool results, in the order of their calls, at the start of a user turn. */
    private void flushResults() throws IOException {
        if (results.isEmpty()) {
            return;
        }
        results.sort(Comparator.comparingInt(Result::order)); // stable: unknown calls keep their order
        for (Result r : results) {
            block(USER);
            g.writeRawValue(r.json());
        }
        userResults = true;
        results.clear();
    }

    // ---- blocks --------------------------------------------------------------------------------------------

    /** A block of {@code role} follows: continues that role's turn or opens a new one. */
    private void block(String role) throws IOException {
        if (role.equals(open)) {
            return;
        }
        closeTurn();
        g.writeStartObject();
        g.writeStringField("role", role);
        g.writeArrayFieldStart("content");
        open = role;
        last = role;
        if (role.equals(ASSISTANT)) {
            calls.clear();
            assistantToolUse = false;
            assistantThinks = false;
        } else {
            userResults = false;
        }
    }

    private void closeTurn() throws IOException {
        if (open != null) {
            g.writeEndArray();
            g.writeEndObject();
            open = null;
        }
    }
}
