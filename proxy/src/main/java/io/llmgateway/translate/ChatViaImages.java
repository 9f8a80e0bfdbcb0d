package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.BadRequestException;
import java.io.IOException;
import java.util.Set;

/**
 * Writes a Chat Completions {@code image_url} content part as a Messages API {@code image} block: a
 * {@code data:} URL with base64 data becomes a {@code base64} source with its media type, an {@code http(s)}
 * URL a {@code url} source. The base64 text is copied from the request's bytes, never made a String. OpenAI's
 * {@code detail} has no equivalent and changes nothing at the provider, which always reads the whole image.
 */
final class ChatViaImages {
    private static final Set<String> IMAGE_FIELDS = Set.of("url", "detail");
    private static final String BASE64 = ";base64";

    private ChatViaImages() {}

    /** Writes the image block of {@code part} (a part of type {@code image_url}), with its cache_control. */
    static void write(ChatViaObject part, JsonGenerator g) throws IOException, BadRequestException {
        ChatViaObject holder;
        String field;
        if (part.token("image_url") == JsonToken.VALUE_STRING) {
            holder = part;
            field = "image_url";
        } else {
            holder = part.object("image_url");
            if (holder == null) {
                throw part.missing("image_url");
            }
            String unknown = holder.unknown(IMAGE_FIELDS);
            if (unknown != null) {
                throw holder.unsupported(unknown, "is not a known image_url field.");
            }
            field = "url";
            if (!holder.present(field)) {
                throw holder.missing(field);
            }
            holder.expect(field, JsonToken.VALUE_STRING, "a string");
        }
        g.writeStartObject();
        g.writeStringField("type", "image");
        g.writeObjectFieldStart("source");
        try (JsonParser url = holder.open(field)) {
            char[] c = url.getTextCharacters();
            int off = url.getTextOffset();
            int len = url.getTextLength();
            if (startsWith(c, off, len, "data:")) {
                int comma = indexOf(c, off, len, ',');
                int headerLen = comma - off - 5;
                if (comma < 0 || headerLen <= BASE64.length() || !endsWith(c, off + 5, headerLen, BASE64)) {
                    throw holder.invalidValue(
                            field,
                            "a data: URL must hold base64 data with its media type" + " (data:image/png;base64,...).");
                }
                g.writeStringField("type", "base64");
                g.writeStringField("media_type", new String(c, off + 5, headerLen - BASE64.length()));
                g.writeFieldName("data");
                g.writeString(c, comma + 1, off + len - comma - 1);
            } else if (startsWith(c, off, len, "https://") || startsWith(c, off, len, "http://")) {
                g.writeStringField("type", "url");
                g.writeFieldName("url");
                g.writeString(c, off, len);
            } else {
                throw holder.invalidValue(field, "expected a data: URL with base64 data or an http(s) URL.");
            }
        }
        g.writeEndObject();
        part.copyField("cache_control", g);
        g.writeEndObject();
    }

    private static boolean startsWith(char[] c, int off, int len, String prefix) {
        if (len < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase(c[off + i]) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(char[] c, int off, int len, String suffix) {
        return len >= suffix.length() && startsWith(c, off + len - suffix.length(), suffix.length(), suffix);
    }

    private static int indexOf(char[] c, int off, int len, char x) {
        for (int i = off; i < off + len; i++) {
            if (c[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
