package io.llmgateway.translate;

import static io.llmgateway.translate.MessagesViaChatSource.bad;
import static io.llmgateway.translate.MessagesViaChatSource.expectObject;
import static io.llmgateway.translate.MessagesViaChatSource.string;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.translate.MessagesViaChatSource.Span;
import io.llmgateway.util.ShortText;
import java.io.IOException;

/**
 * One content block of a Messages request, read whole (its fields come in any order), and its checks.
 * Fields that are read but not carried: {@code cache_control} (OpenAI caches prompt prefixes by itself and
 * takes no marker), {@code citations} (an earlier answer's source references), a document's {@code context}.
 * A field no block type has is refused.
 */
final class MessagesViaChatBlock {
    String path = "";
    String type = "";
    String text;
    /** A tool result's content when it is a string. */
    String contentText;

    Span content;
    Span source;
    Span input;
    String id;
    String name;
    String toolUseId;
    String title;
    boolean isError;
    private boolean sourceNotObject;

    /** Reads the block {@code p} (a parser over {@code within}) is on; leaves {@code p} on its end. */
    static MessagesViaChatBlock read(JsonParser p, Span within, String path) throws IOException, BadRequestException {
        expectObject(p, path);
        MessagesViaChatBlock b = new MessagesViaChatBlock();
        b.path = path;
        String type = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            String at = path + "." + ShortText.cap(field, 64);
            switch (field) {
                case "type" -> type = string(p, at);
                case "text" -> b.text = string(p, at);
                case "id" -> b.id = string(p, at);
                case "name" -> b.name = string(p, at);
                case "tool_use_id" -> b.toolUseId = string(p, at);
                case "title" -> b.title = t == JsonToken.VALUE_NULL ? null : string(p, at);
                case "is_error" -> {
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE && t != JsonToken.VALUE_NULL) {
                        throw bad(at, "expected a boolean");
                    }
                    b.isError = t == JsonToken.VALUE_TRUE;
                }
                case "source" -> {
                    if (t == JsonToken.START_OBJECT) {
                        b.source = MessagesViaChatSource.span(p, within);
                    } else {
                        b.sourceNotObject = true; // a search result's is a string: its type is refused first
                        p.skipChildren();
                    }
                }
                case "input" -> {
                    expectObject(p, at);
                    b.input = MessagesViaChatSource.span(p, within);
                }
                case "content" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        b.contentText = p.getText();
                    } else if (t == JsonToken.START_ARRAY) {
                        b.content = MessagesViaChatSource.span(p, within);
                    } else {
                        throw bad(at, "expected a string or an array of content blocks");
                    }
                }
                // Carried nowhere, changing nothing of the answer: see the class comment. A thinking block's
                // text, signature and a redacted one's data go with their block, which is dropped.
                case "cache_control", "citations", "context", "thinking", "signature", "data" -> p.skipChildren();
                default -> throw MessagesViaChatSource.unknown(at);
            }
        }
        if (type == null) {
            throw bad(path + ".type", "Field required");
        }
        b.type = type;
        return b;
    }

    /** The block's text; a text block has one. */
    String requireText() throws BadRequestException {
        return require("text", text);
    }

    String requireId() throws BadRequestException {
        return require("id", id);
    }

    String requireName() throws BadRequestException {
        return require("name", name);
    }

    String requireToolUseId() throws BadRequestException {
        return require("tool_use_id", toolUseId);
    }

    Span requireSource() throws BadRequestException {
        if (source == null && sourceNotObject) {
            throw bad(path + ".source", "expected an object");
        }
        return require("source", source);
    }

    private <T> T require(String field, T value) throws BadRequestException {
        if (value == null) {
            throw bad(path + "." + field, "Field required");
        }
        return value;
    }
}
