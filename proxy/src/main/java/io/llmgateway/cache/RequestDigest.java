package io.llmgateway.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.util.RequestJson;
import io.llmgateway.util.Sha256;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/*
 * Design notes
 * - The hash is of the request's meaning, not its bytes: every value is written in a canonical, length-prefixed
 *   form (so that no two different requests write the same bytes), and an object's members in the order of
 *   their names, so member order, whitespace and string escapes do not split entries.
 * - The top level's "stream" and "stream_options" are left out: a stored answer serves a request for JSON and
 *   a request for a stream alike (the replay builds the shape asked for).
 * - A request for several choices ("n" above 1) is not cached: the replay writes one choice.
 */
/** Computes the {@link CacheKey} of a request. Stateless. */
final class RequestDigest {
    private static final JsonFactory JSON = RequestJson.factoryBuilder().build();

    private RequestDigest() {}

    /**
     * The key of {@code body} (not consumed) for clients of {@code path} in {@code scope}; null when the request
     * is not cacheable (not a JSON object, or more than one choice asked for).
     */
    static CacheKey of(String path, String scope, String model, ByteBuf body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.readableBytes()));
        text(out, 's', path);
        text(out, 's', scope);
        text(out, 's', model);
        try (JsonParser p =
                JSON.createParser(RequestJson.array(body), RequestJson.offset(body), body.readableBytes())) {
            if (p.nextToken() != JsonToken.START_OBJECT || !root(p, out) || p.nextToken() != null) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        byte[] canonical = out.toByteArray();
        return new CacheKey(Sha256.of(canonical, canonical.length));
    }

    /** The root object, without its stream flags; false when it asks for more than one choice. */
    private static boolean root(JsonParser p, ByteArrayOutputStream out) throws IOException {
        List<Member> members = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("stream") || name.equals("stream_options")) {
                p.skipChildren();
                continue;
            }
            if (name.equals("n") && t == JsonToken.VALUE_NUMBER_INT && p.getLongValue() > 1) {
                return false;
            }
            ByteArrayOutputStream v = new ByteArrayOutputStream();
            value(p, v);
            members.add(new Member(name, v.toByteArray()));
        }
        object(members, out);
        return true;
    }

    private static void value(JsonParser p, ByteArrayOutputStream out) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                List<Member> members = new ArrayList<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    ByteArrayOutputStream v = new ByteArrayOutputStream();
                    value(p, v);
                    members.add(new Member(name, v.toByteArray()));
                }
                object(members, out);
            }
            case START_ARRAY -> {
                out.write('[');
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    value(p, out);
                }
                out.write(']');
            }
            case VALUE_STRING -> text(out, 's', p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> text(out, 'n', p.getText());
            case VALUE_TRUE -> out.write('t');
            case VALUE_FALSE -> out.write('f');
            case VALUE_NULL -> out.write('z');
            default -> throw new IOException("unexpected " + t);
        }
    }

    private static void object(List<Member> members, ByteArrayOutputStream out) {
        members.sort(Comparator.comparing(Member::name));
        out.write('{');
        for (Member m : members) {
            text(out, 'k', m.name);
            out.writeBytes(m.value);
        }
        out.write('}');
    }

    /** A tag, the length, then the UTF-8 bytes: unambiguous whatever the text holds. */
    private static void text(ByteArrayOutputStream out, char tag, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(tag);
        int n = bytes.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(bytes);
    }

    private record Member(String name, byte[] value) {}
}
