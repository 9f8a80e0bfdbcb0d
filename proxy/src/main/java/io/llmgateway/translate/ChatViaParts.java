package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.BadRequestException;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/** Chat Completions content parts as Messages API content blocks: texts, with their {@code cache_control}. */
final class ChatViaParts {
    private static final Set<String> PART_FIELDS = Set.of("type", "text", "image_url", "cache_control", "refusal");
    private static final Set<String> PART_TYPES = Set.of("text", "image_url", "refusal");

    private ChatViaParts() {}

    /** The message's content parts; none when it has no content (a string content is the caller's). */
    static List<ChatViaObject> parts(ChatViaObject m) throws IOException, BadRequestException {
        if (!m.present("content")) {
            return List.of();
        }
        m.expect("content", JsonToken.START_ARRAY, "a string or an array of content parts");
        return m.objects("content");
    }

    /** The part's type; the fields of a part of a known type are checked too. */
    static String partType(ChatViaObject part) throws IOException, BadRequestException {
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
    static void textPart(ChatViaObject part, JsonGenerator out) throws IOException, BadRequestException {
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
    static void textBlock(ChatViaObject o, String field, JsonGenerator out) throws IOException, BadRequestException {
        out.writeStartObject();
        out.writeStringField("type", "text");
        out.writeFieldName("text");
        o.writeString(field, out);
        o.copyField("cache_control", out);
        out.writeEndObject();
    }
}
