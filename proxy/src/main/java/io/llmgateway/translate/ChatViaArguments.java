package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.BadRequestException;
import java.io.IOException;

/**
 * Writes an assistant tool call's {@code arguments} (a string holding JSON) as a {@code tool_use} block's
 * {@code input} (that JSON object itself). Empty arguments (some clients send {@code ""} for a call without
 * parameters) become {@code {}}; anything but one JSON object is refused with a 400 naming the field, as the
 * provider would refuse the whole conversation otherwise.
 */
final class ChatViaArguments {
    private ChatViaArguments() {}

    /** Writes the input object for {@code function.arguments}; the field name is written already. */
    static void write(ChatViaObject function, JsonGenerator g) throws IOException, BadRequestException {
        if (!function.present("arguments")) {
            g.writeStartObject();
            g.writeEndObject();
            return;
        }
        function.expect("arguments", JsonToken.VALUE_STRING, "a string");
        try (JsonParser outer = function.open("arguments");
                JsonParser p = ChatViaObject.FACTORY.createParser(
                        outer.getTextCharacters(), outer.getTextOffset(), outer.getTextLength())) {
            JsonToken t = p.nextToken();
            if (t == null) {
                g.writeStartObject();
                g.writeEndObject();
                return;
            }
            if (t != JsonToken.START_OBJECT) {
                throw notAnObject(function);
            }
            g.copyCurrentStructure(p);
            if (p.nextToken() != null) {
                throw notAnObject(function);
            }
        } catch (JsonProcessingException e) {
            throw notAnObject(function);
        }
    }

    private static BadRequestException notAnObject(ChatViaObject function) {
        return function.invalidValue(
                "arguments", "expected one JSON object (the provider takes a tool call's arguments as an object).");
    }
}
