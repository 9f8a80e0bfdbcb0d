package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
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
 *     without its signature is refused by the provider, and earlier turns' thinking is not used anyway.</li>
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
            "cache_control");
    private static final Set<String> PART_FIELDS = Set.of("type", "text", "image_url", "cache_control", "refusal");
    private static final Set<String> PART_TYPES = Set.of("text", "image_url", "refusal");
    private static final Set<String> CALL_FIELDS = Set.of("id", "type", "function");
    private static final Set<String> FUNCTION_FIELDS = Set.of("name", "arguments");
    private static final String USER = "user";
    private static final String ASSISTANT = "assistant";

    private final JsonGenerator g;
    private String open; // the role of the turn being written, or null
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
        for (ChatViaObject part : parts(m)) {
            textPart(part, system);
        }
    }

    // ---- user ----------------------------------------------------------------------------------------------

    private void user(ChatViaObject m) throws IOException, BadRequestException {
        if (m.token("content") == JsonToken.VALUE_STRING) {
            block(USER);
            textBlock(m, "content", g);
            return;
        }
        for (ChatViaObject part : parts(m)) {
            String type = partType(part);
            block(USER);
            switch (type) {
                case "text" -> textPart(part, g);
                case "image_url" -> ChatViaImages.write(part, g);
                default ->
                    throw part.unsupported("type", "of content part is not supported (text and image_url parts are).");
            }
        }
    }

    // ---- assistant -----------------------------------------------------------------------------------------

    private void assistant(ChatViaObject m) throws IOException, BadRequestException {
        if (!ASSISTANT.equals(open)) {
            calls.clear();
        }
        if (m.token("content") == JsonToken.VALUE_STRING) {
            if (!m.emptyString("content")) {
                block(ASSISTANT);
                textBlock(m, "content", g);
            }
        } else {
            for (ChatViaObject part : parts(m)) {
                String type = partType(part);
                if (!type.equals("text") && !type.equals("refusal")) {
                    throw part.unsupported("type", "of assistant content part is not supported (text is).");
                }
                String field = type.equals("text") ? "text" : "refusal";
                if (!part.emptyString(field)) {
                    block(ASSISTANT);
                    textBlock(part, field, g);
                }
            }
        }
        if (m.present("refusal") && !m.emptyString("refusal")) {
            block(ASSISTANT);
            textBlock(m, "refusal", g);
        }
        List<ChatViaObject> toolCalls = m.objects("tool_calls");
        for (ChatViaObject call : toolCalls) {
            block(ASSISTANT);
            toolUse(call);
        }
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
                for (ChatViaObject part : parts(m)) {
                    if (!partType(part).equals("text")) {
                        throw part.unsupported("type", "of tool message content part is not supported (text is).");
                    }
                    textPart(part, r);
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
    }

    private void closeTurn() throws IOException {
        if (open != null) {
            g.writeEndArray();
            g.writeEndObject();
            open = null;
        }
    }

    private static List<ChatViaObject> parts(ChatViaObject m) throws IOException, BadRequestException {
        if (!m.present("content")) {
            return List.of();
        }
        m.expect("content", JsonToken.START_ARRAY, "a string or an array of content parts");
        return m.objects("content");
    }

    /** The part's type; the fields of a part of a known type are checked too. */
    private static String partType(ChatViaObject part) throws IOException, BadRequestException {
        String type = part.string("type");
        if (type == null) {
            throw part.missing("type");
        }
        if (PART_TYPES.contains(type)) {
            String unknown = part.unknown(PART_FIELDS);
            if (unknown != null) {
                throw part.unsupported(unknown, "is not a known content part field.");
            }
        }
        return type;
    }

    /** A text part: a text block with the part's {@code cache_control}; an empty text is left out. */
    private static void textPart(ChatViaObject part, JsonGenerator out) throws IOException, BadRequestException {
        if (!"text".equals(partType(part))) {
            throw part.unsupported("type", "of this content part is not supported (text is).");
        }
        if (!part.present("text")) {
            throw part.missing("text");
        }
        if (!part.emptyString("text")) {
            textBlock(part, "text", out);
        }
    }

    /** {@code {"type":"text","text":<field>}}, with the object's {@code cache_control} when it has one. */
    private static void textBlock(ChatViaObject o, String field, JsonGenerator out)
            throws IOException, BadRequestException {
        out.writeStartObject();
        out.writeStringField("type", "text");
        out.writeFieldName("text");
        o.writeString(field, out);
        o.copyField("cache_control", out);
        out.writeEndObject();
    }
}
