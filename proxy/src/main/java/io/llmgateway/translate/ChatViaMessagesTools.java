package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.BadRequestException;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Writes a Chat Completions request's {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} as the
 * Messages API's {@code tools} and {@code tool_choice}: a function's name, description and parameters become a
 * tool's name, description and {@code input_schema}; {@code auto}, {@code required}, {@code none} and a named
 * function become {@code auto}, {@code any}, {@code none} and {@code tool}; {@code parallel_tool_calls: false}
 * becomes {@code disable_parallel_tool_use}. A {@code cache_control} on a tool entry is copied to the tool.
 * {@code strict: true} is refused: the provider's strict tool use needs a beta of its own.
 */
final class ChatViaMessagesTools {
    private static final Set<String> TOOL_FIELDS = Set.of("type", "function", "cache_control");
    private static final Set<String> FUNCTION_FIELDS = Set.of("name", "description", "parameters", "strict");

    private ChatViaMessagesTools() {}

    /** Writes {@code "tools": [...]} when the request has tools. */
    static void writeTools(ChatViaObject request, JsonGenerator g) throws IOException, BadRequestException {
        List<ChatViaObject> tools = request.objects("tools");
        if (tools.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("tools");
        for (ChatViaObject tool : tools) {
            String type = tool.string("type");
            if (type == null) {
                throw tool.missing("type");
            }
            if (!type.equals("function")) {
                throw tool.unsupported("type", "of tool is not supported (function is).");
            }
            String unknown = tool.unknown(TOOL_FIELDS);
            if (unknown != null) {
                throw tool.unsupported(unknown, "is not a known tool field.");
            }
            ChatViaObject function = tool.object("function");
            if (function == null) {
                throw tool.missing("function");
            }
            unknown = function.unknown(FUNCTION_FIELDS);
            if (unknown != null) {
                throw function.unsupported(unknown, "is not a known function field.");
            }
            if (Boolean.TRUE.equals(function.bool("strict"))) {
                throw function.unsupported("strict", "set to true is not supported.");
            }
            if (!function.present("name")) {
                throw function.missing("name");
            }
            g.writeStartObject();
            g.writeFieldName("name");
            function.writeString("name", g);
            if (function.present("description")) {
                g.writeFieldName("description");
                function.writeString("description", g);
            }
            g.writeFieldName("input_schema");
            if (function.present("parameters")) {
                function.expect("parameters", JsonToken.START_OBJECT, "a JSON Schema object");
                function.copy("parameters", g);
            } else { // a function without parameters takes none
                g.writeStartObject();
                g.writeStringField("type", "object");
                g.writeObjectFieldStart("properties");
                g.writeEndObject();
                g.writeEndObject();
            }
            tool.copyField("cache_control", g);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Writes {@code "tool_choice": {...}} when the request chooses or limits parallel calls. */
    static void writeToolChoice(ChatViaObject request, JsonGenerator g) throws IOException, BadRequestException {
        Boolean parallel = request.bool("parallel_tool_calls");
        boolean serial = Boolean.FALSE.equals(parallel);
        String type;
        String name = null;
        if (!request.present("tool_choice")) {
            if (!serial || !request.present("tools")) {
                return;
            }
            type = "auto";
        } else if (request.token("tool_choice") == JsonToken.VALUE_STRING) {
            String choice = request.string("tool_choice");
            type = switch (choice) {
                case "auto" -> "auto";
                case "required" -> "any";
                case "none" -> "none";
                default -> throw request.invalidValue("tool_choice", "expected auto, required, none or a function.");
            };
        } else {
            ChatViaObject choice = request.object("tool_choice");
            if (choice == null) {
                throw request.invalidType("tool_choice", "a string or an object");
            }
            if (!"function".equals(choice.string("type"))) {
                throw choice.unsupported("type", "of tool_choice is not supported (function is).");
            }
            ChatViaObject function = choice.object("function");
            name = function == null ? null : function.string("name");
            if (name == null) {
                throw choice.missing("function.name");
            }
            type = "tool";
        }
        g.writeObjectFieldStart("tool_choice");
        g.writeStringField("type", type);
        if (name != null) {
            g.writeStringField("name", name);
        }
        if (serial && !type.equals("none")) {
            g.writeBooleanField("disable_parallel_tool_use", true);
        }
        g.writeEndObject();
    }
}
