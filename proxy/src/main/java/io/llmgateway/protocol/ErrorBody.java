package io.llmgateway.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The top level of a provider's JSON error answer, enough to tell the two shapes apart and to quote it: OpenAI's
 * {@code {"error":{"message":...}}} and Anthropic's {@code {"type":"error","error":{"message":...}}}. Error
 * answers are small and rare, so reading them with a parser costs nothing that matters.
 *
 * @param typeError whether the object has {@code "type":"error"} (Anthropic's shape)
 * @param errorObject whether it has an {@code error} object
 * @param message {@code error.message} (or a string {@code error}), or null
 */
public record ErrorBody(boolean typeError, boolean errorObject, String message) {
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    /** Reads {@code body} without consuming it; null when the content type is not JSON or the body no object. */
    public static ErrorBody read(String contentType, ByteBuf body) {
        if (contentType == null || !contentType.contains("json")) {
            return null;
        }
        boolean typeError = false;
        boolean errorObject = false;
        String message = null;
        try (JsonParser p = JSON.createParser((InputStream) new ByteBufInputStream(body.duplicate()))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("type".equals(name)) {
                    typeError = t == JsonToken.VALUE_STRING && "error".equals(p.getText());
                } else if ("error".equals(name) && t == JsonToken.START_OBJECT) {
                    errorObject = true;
                    message = messageOf(p);
                } else if ("error".equals(name) && t == JsonToken.VALUE_STRING) {
                    message = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return null; // not JSON
        }
        return new ErrorBody(typeError, errorObject, message);
    }

    /** The {@code message} of the error object {@code p} is on; leaves {@code p} on its END_OBJECT. */
    private static String messageOf(JsonParser p) throws IOException {
        String message = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("message".equals(name) && t == JsonToken.VALUE_STRING) {
                message = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return message;
    }
}
