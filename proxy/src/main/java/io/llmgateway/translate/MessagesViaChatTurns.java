package io.llmgateway.translate;

import static io.llmgateway.translate.MessagesViaChatSource.bad;
import static io.llmgateway.translate.MessagesViaChatSource.expectArray;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a Messages request's {@code messages} as Chat Completions messages.
 *
 * <p>Design notes:
 * <ul>
 * <li>A user turn's {@code tool_result} blocks become {@code tool} messages that go first, right after the
 *     assistant turn whose {@code tool_calls} they answer, as OpenAI requires; the turn's other blocks follow
 *     as one user message. Images inside a tool result cannot go in a {@code tool} message (its content is
 *     text only): they open that user message, each after a text part naming its tool call.</li>
 * <li>An assistant turn's text blocks are joined into its {@code content}, its {@code tool_use} blocks become
 *     {@code tool_calls} (ids kept, {@code input} serialised into {@code arguments}). Its {@code thinking}
 *     and {@code redacted_thinking} blocks have no Chat form (a signature only Anthropic can check): they
 *     are dropped.</li>
 * <li>Every other block type is refused with a 400 naming it: dropping it would change the request.</li>
 * </ul>
 */
final class MessagesViaChatTurns {

    private static final String UNSUPPORTED_SOURCE = " cannot be sent to an OpenAI-format provider";

    private final MessagesViaChatSource src;
    private final JsonGenerator g;

    MessagesViaChatTurns(MessagesViaChatSource src, JsonGenerator g) {
        this.src = src;
        this.g = g;
    }

    /** Writes the turns of the {@code messages} array at {@code messages} into the open messages array. */
    void write(Span messages) throws IOException, BadRequestException {
        try (JsonParser p = src.open(messages)) {
            p.nextToken();
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String path = "messages." + i++;
                expectObject(p, path);
                String role = null;
                String text = null;
                Span blocks = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    String at = path + "." + ShortText.cap(field, 64);
                    switch (field) {
                        case "role" -> role = string(p, at);
                        case "content" -> {
                            if (t == JsonToken.VALUE_STRING) {
                                text = p.getText();
                            } else {
                                expectArray(p, at);
                                blocks = MessagesViaChatSource.span(p, messages);
                            }
                        }
                        default -> throw MessagesViaChatSource.unknown(at);
                    }
                }
                if (role == null) {
                    throw bad(path + ".role", "Field required");
                }
                if (text == null && blocks == null) {
                    throw bad(path + ".content", "Field required");
                }
                switch (role) {
                    case "user" -> user(path, text, blocks);
                    case "assistant" -> assistant(path, text, blocks);
                    default -> throw bad(path + ".role", "Input should be 'user' or 'assistant'");
                }
            }
        }
    }

    private void user(String path, String text, Span blocks) throws IOException, BadRequestException {
        if (blocks == null) {
            message("user", text);
            return;
        }
        List<MessagesViaChatBlock> parts = new ArrayList<>();
        List<MessagesViaChatBlock> toolImages = new ArrayList<>();
        for (MessagesViaChatBlock b : blocks(blocks, path + ".content")) {
            switch (b.type) {
                case "tool_result" -> toolResult(b, toolImages);
                case "text", "image", "document" -> parts.add(b);
                default -> throw unsupported(b, "a user turn");
            }
        }
        if (parts.isEmpty() && toolImages.isEmpty()) {
            return; // the turn was only tool results
        }
        g.writeStartObject();
        g.writeStringField("role", "user");
        g.writeArrayFieldStart("content");
        for (MessagesViaChatBlock image : toolImages) {
            textPart("Image from the result of tool call " + image.toolUseId + ":");
            imagePart(image);
        }
        for (MessagesViaChatBlock b : parts) {
            switch (b.type) {
                case "text" -> textPart(b.requireText());
                case "image" -> imagePart(b);
                default -> documentPart(b);
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Writes a {@code tool} message; images of its content are added to {@code images}. */
    private void toolResult(MessagesViaChatBlock b, List<MessagesViaChatBlock> images)
            throws IOException, BadRequestException {
        String id = b.requireToolUseId();
        StringBuilder content = new StringBuilder();
        if (b.isError) {
            content.append("Error: "); // a tool message has no error flag: the model reads it instead
        }
        if (b.contentText != null) {
            content.append(b.contentText);
        } else if (b.content != null) {
            boolean first = true;
            for (MessagesViaChatBlock inner : blocks(b.content, b.path + ".content")) {
                switch (inner.type) {
                    case "text" -> {
                        content.append(first ? "" : "\n").append(inner.requireText());
                        first = false;
                    }
                    case "image" -> {
                        inner.toolUseId = id;
                        images.add(inner);
                    }
                    default -> throw unsupported(inner, "a tool result");
                }
            }
        }
        g.writeStartObject();
        g.writeStringField("role", "tool");
        g.writeStringField("tool_call_id", id);
        g.writeStringField("content", content.toString());
        g.writeEndObject();
    }

    private void assistant(String path, String text, Span blocks) throws IOException, BadRequestException {
        if (blocks == null) {
            message("assistant", text);
            return;
        }
        StringBuilder content = new StringBuilder();
        List<MessagesViaChatBlock> calls = new ArrayList<>();
        for (MessagesViaChatBlock b : blocks(blocks, path + ".content")) {
            switch (b.type) {
                case "text" -> content.append(b.requireText());
                case "tool_use" -> {
                    b.requireId();
                    b.requireName();
                    calls.add(b);
                }
                case "thinking", "redacted_thinking" -> {
                    // no Chat equivalent; see the class notes
                }
                default -> throw unsupported(b, "an assistant turn");
            }
        }
        g.writeStartObject();
        g.writeStringField("role", "assistant");
        if (content.length() == 0 && !calls.isEmpty()) {
            g.writeNullField("content"); // what OpenAI itself sends with tool calls and no text
        } else {
            g.writeStringField("content", content.toString());
        }
        if (!calls.isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (MessagesViaChatBlock call : calls) {
                g.writeStartObject();
                g.writeStringField("id", call.id);
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", call.name);
                g.writeStringField("arguments", call.input == null ? "{}" : src.compact(call.input));
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** A 400 for a block that has no Chat form {@code where} it stands. */
    private static BadRequestException unsupported(MessagesViaChatBlock b, String where) {
        return bad(
                b.path + ".type",
                "content blocks of type " + tag(b.type) + " cannot be sent to an OpenAI-format provider in " + where);
    }

    private void message(String role, String content) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role);
        g.writeStringField("content", content);
        g.writeEndObject();
    }

    private List<MessagesViaChatBlock> blocks(Span array, String path) throws IOException, BadRequestException {
        List<MessagesViaChatBlock> list = new ArrayList<>();
        try (JsonParser p = src.open(array)) {
            p.nextToken();
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.add(MessagesViaChatBlock.read(p, array, path + "." + i++));
            }
        }
        return list;
    }

    private void textPart(String text) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "text");
        g.writeStringField("text", text);
        g.writeEndObject();
    }

    /** An image block: base64 data becomes a data: URL, a url source stays a URL. */
    private void imagePart(MessagesViaChatBlock b) throws IOException, BadRequestException {
        Source s = source(b);
        String url = switch (s.type) {
            case "base64" -> "data:" + s.require("media_type", s.mediaType) + ";base64," + s.require("data", s.data);
            case "url" -> s.require("url", s.url);
            default -> throw bad(b.path + ".source.type", "image sources of type " + tag(s.type) + UNSUPPORTED_SOURCE);
        };
        g.writeStartObject();
        g.writeStringField("type", "image_url");
        g.writeObjectFieldStart("image_url");
        g.writeStringField("url", url);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** A document block: a base64 PDF becomes a file part, plain text a text part. */
    private void documentPart(MessagesViaChatBlock b) throws IOException, BadRequestException {
        Source s = source(b);
        switch (s.type) {
            case "base64" -> {
                String media = s.require("media_type", s.mediaType);
                if (!media.equals("application/pdf")) {
                    throw bad(b.path + ".source.media_type", "documents of type " + tag(media) + UNSUPPORTED_SOURCE);
                }
                g.writeStartObject();
                g.writeStringField("type", "file");
                g.writeObjectFieldStart("file");
                g.writeStringField("filename", b.title != null ? b.title : "document.pdf");
                g.writeStringField("file_data", "data:application/pdf;base64," + s.require("data", s.data));
                g.writeEndObject();
                g.writeEndObject();
            }
            case "text" -> textPart(s.require("data", s.data));
            default ->
                throw bad(b.path + ".source.type", "document sources of type " + tag(s.type) + UNSUPPORTED_SOURCE);
        }
    }

    private Source source(MessagesViaChatBlock b) throws IOException, BadRequestException {
        Span span = b.requireSource();
        Source s = new Source(b.path + ".source");
        try (JsonParser p = src.open(span)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                String at = s.path + "." + ShortText.cap(field, 64);
                switch (field) {
                    case "type" -> s.type = string(p, at);
                    case "media_type" -> s.mediaType = string(p, at);
                    case "data" -> s.data = string(p, at);
                    case "url" -> s.url = string(p, at);
                    case "file_id", "content" -> throw bad(at, "this source" + UNSUPPORTED_SOURCE);
                    default -> throw MessagesViaChatSource.unknown(at);
                }
            }
        }
        if (s.type.isEmpty()) {
            throw bad(s.path + ".type", "Field required");
        }
        return s;
    }

    /** An image's or document's {@code source} object. */
    private static final class Source {
        final String path;
        String type = "";
        String mediaType;
        String data;
        String url;

        Source(String path) {
            this.path = path;
        }

        String require(String field, String value) throws BadRequestException {
            if (value == null) {
                throw bad(path + "." + field, "Field required");
            }
            return value;
        }
    }
}
