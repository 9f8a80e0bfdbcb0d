package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the parts of a request that carry text (messages, content parts, inputs, tool JSON) and tallies
 * them for the token estimate. {@link RootScan} extends it so that one scan stays one object.
 */
abstract sealed class ContentWalker permits RootScan {
    final JsonParser p;
    final byte[] array;
    final int off;

    final List<String> texts = new ArrayList<>();
    int images;
    int messages;
    long extraTokens;

    ContentWalker(JsonParser p, byte[] array, int off) {
        this.p = p;
        this.array = array;
        this.off = off;
    }

    /** {@code messages}: an array of chat messages, at its START_ARRAY. */
    final void messageArray() throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.START_OBJECT) {
                message();
            } else {
                p.skipChildren();
            }
        }
    }

    /** A value that counts as text when it is a string. */
    final void text(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            texts.add(p.getText());
        } else {
            p.skipChildren();
        }
    }

    /** A chat message or a Responses input item, at its START_OBJECT. */
    private void message() throws IOException {
        messages++;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "content" -> content(t);
                case "text", "output", "arguments" -> text(t);
                case "tool_calls", "function_call" -> rawJson(t);
                default -> p.skipChildren();
            }
        }
    }

    /** A string, or an array of content parts. */
    final void content(JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            text(t);
            return;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonToken e = p.currentToken();
            if (e == JsonToken.START_OBJECT) {
                part();
            } else {
                text(e);
            }
        }
    }

    private void part() throws IOException {
        boolean image = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "type" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        String type = p.getText();
                        image |= "image_url".equals(type) || "input_image".equals(type);
                    }
                }
                case "text" -> text(t);
                case "image_url" -> {
                    image = true;
                    p.skipChildren(); // a data: URL string is skipped unread at the next token
                }
                default -> p.skipChildren();
            }
        }
        if (image) {
            images++;
        }
    }

    /** {@code input} / {@code prompt}: a string, or an array of strings, token arrays or items. */
    final void inputs(JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            text(t);
            return;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            switch (p.currentToken()) {
                case VALUE_STRING -> texts.add(p.getText());
                case VALUE_NUMBER_INT -> extraTokens++;
                case START_OBJECT -> message();
                case START_ARRAY -> {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                            extraTokens++;
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    /** Tool definitions are billed as text: count their JSON as written. */
    final void rawJson(JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        int start = tokenStart();
        p.skipChildren();
        int end = position();
        texts.add(new String(array, off + start, end - start, UTF_8));
    }

    final int tokenStart() {
        return (int) p.currentTokenLocation().getByteOffset();
    }

    final int position() {
        return (int) p.currentLocation().getByteOffset();
    }
}
