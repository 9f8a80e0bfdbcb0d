package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.util.RequestJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One JSON object of a Chat Completions request, read in one pass: the name of each field and where its value
 * lies in the body. The Messages API wants fields in other places and orders than a client sends them (a
 * message's {@code role} may come after its {@code content}), so a value is parsed again from its bytes when
 * it is written, and what is only copied (texts, base64 images) is never decoded into a String.
 *
 * <p>Duplicate keys: the last one counts, as in most JSON readers. Paths ({@code messages[2].content}) name
 * the field in 400 answers; error messages never quote the client's values.
 */
final class ChatViaObject {
    /** The request was read once by the client dialect (UTF-8 checked, depth bounded); this bounds it again. */
    static final JsonFactory FACTORY = RequestJson.factoryBuilder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    static final String INVALID_TYPE = "invalid_type";
    static final String INVALID_VALUE = "invalid_value";

    private final byte[] array;
    private final String path;
    private String[] names = new String[8];
    private JsonToken[] tokens = new JsonToken[8];
    private int[] starts = new int[8];
    private int[] ends = new int[8];
    private int size;

    private ChatViaObject(byte[] array, String path) {
        this.array = array;
        this.path = path;
    }

    /**
     * Reads the object {@code p} is on (its START_OBJECT) up to its end.
     *
     * @param base where in {@code array} the input of {@code p} starts (its offsets are relative to it)
     * @param path the object's path for error messages, "" for the request itself
     */
    static ChatViaObject read(byte[] array, int base, JsonParser p, String path) throws IOException {
        ChatViaObject o = new ChatViaObject(array, path);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            int start = base + (int) p.currentTokenLocation().getByteOffset();
            if (t.isStructStart()) {
                p.skipChildren();
            } else if (t == JsonToken.VALUE_STRING) {
                p.finishToken(); // a string is parsed lazily: move past its closing quote
            }
            o.put(name, t, start, base + (int) p.currentLocation().getByteOffset());
        }
        return o;
    }

    private void put(String name, JsonToken t, int start, int end) {
        int i = index(name);
        if (i < 0) {
            if (size == names.length) {
                names = Arrays.copyOf(names, size * 2);
                tokens = Arrays.copyOf(tokens, size * 2);
                starts = Arrays.copyOf(starts, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
            }
            i = size++;
            names[i] = name;
        }
        tokens[i] = t;
        starts[i] = start;
        ends[i] = end;
    }

    private int index(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The path of field {@code name} of this object, for error messages. */
    String path(String name) {
        return path.isEmpty() ? name : path + '.' + name;
    }

    /** The first field whose name is not in {@code known}, or null. */
    String unknown(Set<String> known) {
        for (int i = 0; i < size; i++) {
            if (!known.contains(names[i])) {
                return names[i];
            }
        }
        return null;
    }

    /** The token that starts the field's value, or null when the field is absent. */
    JsonToken token(String name) {
        int i = index(name);
        return i < 0 ? null : tokens[i];
    }

    /** Whether the field is there with a value other than null. */
    boolean present(String name) {
        JsonToken t = token(name);
        return t != null && t != JsonToken.VALUE_NULL;
    }

    /** Whether the field is the string {@code ""}. */
    boolean emptyString(String name) {
        int i = index(name);
        return i >= 0 && tokens[i] == JsonToken.VALUE_STRING && ends[i] - starts[i] == 2;
    }

    /** The field's value bytes as they were sent (a number's text, say), or null when absent or null. */
    String raw(String name) {
        int i = index(name);
        if (i < 0 || tokens[i] == JsonToken.VALUE_NULL) {
            return null;
        }
        return new String(array, starts[i], ends[i] - starts[i], UTF_8);
    }

    /** The length of the field's value in bytes, or -1 when absent. */
    int rawLength(String name) {
        int i = index(name);
        return i < 0 ? -1 : ends[i] - starts[i];
    }

    /** A parser on the field's value, on its first token; the caller closes it. */
    JsonParser open(String name) throws IOException {
        int i = index(name);
        if (i < 0) {
            throw new IllegalArgumentException("name: " + name + " (expected: a field of " + path + ")");
        }
        JsonParser p = FACTORY.createParser(array, starts[i], ends[i] - starts[i]);
        p.nextToken();
        return p;
    }

    /** The field's string value, or null when absent or null. */
    String string(String name) throws IOException, BadRequestException {
        if (!present(name)) {
            return null;
        }
        expect(name, JsonToken.VALUE_STRING, "a string");
        try (JsonParser p = open(name)) {
            return p.getText();
        }
    }

    /** The field's number, or NaN when absent or null. */
    double number(String name) throws IOException, BadRequestException {
        if (!present(name)) {
            return Double.NaN;
        }
        JsonToken t = token(name);
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw invalidType(name, "a number");
        }
        try (JsonParser p = open(name)) {
            return p.getDoubleValue();
        }
    }

    /** The field's boolean value, or null when absent or null. */
    Boolean bool(String name) throws BadRequestException {
        if (!present(name)) {
            return null;
        }
        JsonToken t = token(name);
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw invalidType(name, "a boolean");
        }
        return t == JsonToken.VALUE_TRUE;
    }

    /** The field's object, or null when absent or null. */
    ChatViaObject object(String name) throws IOException, BadRequestException {
        if (!present(name)) {
            return null;
        }
        expect(name, JsonToken.START_OBJECT, "an object");
        try (JsonParser p = open(name)) {
            return read(array, starts[index(name)], p, path(name));
        }
    }

    /** The field's array of objects (empty when absent or null). */
    List<ChatViaObject> objects(String name) throws IOException, BadRequestException {
        if (!present(name)) {
            return List.of();
        }
        expect(name, JsonToken.START_ARRAY, "an array");
        int base = starts[index(name)];
        List<ChatViaObject> list = new ArrayList<>();
        try (JsonParser p = open(name)) {
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                String at = path(name) + '[' + list.size() + ']';
                if (t != JsonToken.START_OBJECT) {
                    throw new BadRequestException(
                            "Invalid type for '" + at + "': expected an object.", at, INVALID_TYPE);
                }
                list.add(read(array, base, p, at));
            }
        }
        return list;
    }

    /** The field's value as one string or an array of strings (empty when absent or null). */
    List<String> strings(String name) throws IOException, BadRequestException {
        JsonToken t = token(name);
        if (!present(name)) {
            return List.of();
        }
        if (t == JsonToken.VALUE_STRING) {
            return List.of(string(name));
        }
        expect(name, JsonToken.START_ARRAY, "a string or an array of strings");
        List<String> list = new ArrayList<>();
        try (JsonParser p = open(name)) {
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                if (e != JsonToken.VALUE_STRING) {
                    throw invalidType(name, "a string or an array of strings");
                }
                list.add(p.getText());
            }
        }
        return list;
    }

    /** Writes the field's string value, copied without making a String of it. */
    void writeString(String name, JsonGenerator g) throws IOException, BadRequestException {
        expect(name, JsonToken.VALUE_STRING, "a string");
        try (JsonParser p = open(name)) {
            g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        }
    }

    /** Writes the field's value as it is (a {@code cache_control}, a schema). */
    void copy(String name, JsonGenerator g) throws IOException {
        try (JsonParser p = open(name)) {
            g.copyCurrentStructure(p);
        }
    }

    /** Writes {@code "name": value} when the field is present; copied as it is. */
    void copyField(String name, JsonGenerator g) throws IOException {
        if (present(name)) {
            g.writeFieldName(name);
            copy(name, g);
        }
    }

    /** Refuses the field unless its value starts with {@code token}. */
    void expect(String name, JsonToken token, String what) throws BadRequestException {
        if (token(name) != token) {
            throw invalidType(name, what);
        }
    }

    BadRequestException invalidType(String name, String what) {
        String at = path(name);
        return new BadRequestException("Invalid type for '" + at + "': expected " + what + ".", at, INVALID_TYPE);
    }

    BadRequestException invalidValue(String name, String why) {
        String at = path(name);
        return new BadRequestException("Invalid value for '" + at + "': " + why, at, INVALID_VALUE);
    }

    /** The field has no equivalent at an Anthropic provider; {@code why} says which values are refused. */
    BadRequestException unsupported(String name, String why) {
        String at = path(name);
        return new BadRequestException(
                "Unsupported parameter: '" + at + "' " + why + " This model's provider (Anthropic Messages API) has no"
                        + " equivalent.",
                at,
                "unsupported_parameter");
    }

    BadRequestException missing(String name) {
        String at = path(name);
        return new BadRequestException("Missing required parameter: '" + at + "'.", at, "missing_required_parameter");
    }
}
