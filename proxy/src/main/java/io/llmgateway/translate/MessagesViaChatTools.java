package io.llmgateway.translate;

import static io.llmgateway.translate.MessagesViaChatSource.bad;
import static io.llmgateway.translate.MessagesViaChatSource.expectObject;
import static io.llmgateway.translate.MessagesViaChatSource.string;
import static io.llmgateway.translate.MessagesViaChatSource.tag;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.translate.MessagesViaChatSource.Span;
import io.llmgateway.util.ShortText;
import java.io.IOException;

/**
 * Writes a Messages request's {@code tools} and {@code tool_choice} as Chat Completions ones: a client tool
 * ({@code name}, {@code description}, {@code input_schema}, {@code strict}) becomes a function, and
 * {@code tool_choice} auto/any/tool/none becomes auto/required/a named function/none, with
 * {@code disable_parallel_tool_use} as {@code parallel_tool_calls: false}. Anthropic's server tools (web
 * search, code execution, computer use, ...) run at Anthropic: refused with a 400. {@code cache_control} is
 * ignored (see {@link MessagesViaChatRequest}).
 */
final class MessagesViaChatTools {
    private final MessagesViaChatSource src;
    private final JsonGenerator g;

    MessagesViaChatTools(MessagesViaChatSource src, JsonGenerator g) {
        this.src = src;
        this.g = g;
    }

    /** Writes {@code tools} and the fields of {@code choice} (null when the request has none). */
    void write(Span tools, Span choice) throws IOException, BadRequestException {
        boolean any = false;
        try (JsonParser p = src.open(tools)) {
            p.nextToken();
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (!any) {
                    g.writeArrayFieldStart("tools");
                    any = true;
                }
                tool(p, tools, "tools." + i++);
            }
        }
        if (!any) {
            return; // OpenAI refuses tool_choice and parallel_tool_calls without tools
        }
        g.writeEndArray();
        if (choice != null) {
            choice(choice);
        }
    }

    private void tool(JsonParser p, Span within, String path) throws IOException, BadRequestException {
        expectObject(p, path);
        String name = null;
        String description = null;
        Span schema = null;
        Boolean strict = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            String at = path + "." + ShortText.cap(field, 64);
            switch (field) {
                case "name" -> name = string(p, at);
                case "description" -> description = string(p, at);
                case "input_schema" -> {
                    expectObject(p, at);
                    schema = MessagesViaChatSource.span(p, within);
                }
                case "type" -> {
                    String type = string(p, at);
                    if (!type.equals("custom")) {
                        throw bad(
                                at,
                                "tools of type " + tag(type) + " run at Anthropic: an OpenAI-format provider has none");
                    }
                }
                case "strict" -> {
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                        throw bad(at, "expected a boolean");
                    }
                    strict = t == JsonToken.VALUE_TRUE;
                }
                case "cache_control" -> p.skipChildren();
                default -> throw MessagesViaChatSource.unknown(at);
            }
        }
        if (name == null) {
            throw bad(path + ".name", "Field required");
        }
        if (schema == null) {
            throw bad(path + ".input_schema", "Field required");
        }
        g.writeStartObject();
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", name);
        if (description != null) {
            g.writeStringField("description", description);
        }
        g.writeFieldName("parameters");
        src.copy(schema, g);
        if (strict != null) {
            g.writeBooleanField("strict", strict);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private void choice(Span choice) throws IOException, BadRequestException {
        String type = null;
        String name = null;
        boolean serial = false;
        try (JsonParser p = src.open(choice)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                String at = "tool_choice." + ShortText.cap(field, 64);
                switch (field) {
                    case "type" -> type = string(p, at);
                    case "name" -> name = string(p, at);
                    case "disable_parallel_tool_use" -> serial = t == JsonToken.VALUE_TRUE;
                    default -> throw MessagesViaChatSource.unknown(at);
                }
            }
        }
        if (type == null) {
            throw bad("tool_choice.type", "Field required");
        }
        switch (type) {
            case "auto" -> g.writeStringField("tool_choice", "auto");
            case "any" -> g.writeStringField("tool_choice", "required");
            case "none" -> g.writeStringField("tool_choice", "none");
            case "tool" -> {
                if (name == null) {
                    throw bad("tool_choice.name", "Field required");
                }
                g.writeObjectFieldStart("tool_choice");
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", name);
                g.writeEndObject();
                g.writeEndObject();
            }
            default ->
                throw bad(
                        "tool_choice.type", "Input tag " + tag(type) + " is not one of 'auto', 'any', 'tool', 'none'");
        }
        if (serial) {
            g.writeBooleanField("parallel_tool_calls", false);
        }
    }
}
