package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonUsageTapTest {
    private static final String CHAT =
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"Hi \\\"there\\\" \u00e9\u4e2d \uD83D\uDE00\","
                    + "\"usage\":{\"prompt_tokens\":999}},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":3,\"total_tokens\":1000}},\"system_fingerprint\":null}";

    private static Usage feed(byte[] body, int... cuts) {
        JsonUsageTap tap = new JsonUsageTap();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : body.length;
            ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, to - from));
            chunk.writeBytes(body, from, to - from);
            try {
                tap.onChunk(chunk);
                assertEquals(to - from, chunk.readableBytes(), "the tap must not consume");
            } finally {
                chunk.release();
            }
            from = to;
        }
        return tap.usage();
    }

    @Test
    void onChunk_chatUsageSplitAtEveryByte() {
        byte[] body = CHAT.getBytes(UTF_8);
        // cached_tokens of prompt_tokens_details are read; the other counters of that object are not.
        Usage expected = new Usage(12, 7, 19, false, 0, 3);
        assertEquals(expected, feed(body));
        for (int cut = 0; cut <= body.length; cut++) {
            assertEquals(expected, feed(body, cut), "cut at " + cut);
        }
        int[] every = new int[body.length - 1];
        for (int i = 0; i < every.length; i++) {
            every[i] = i + 1;
        }
        assertEquals(expected, feed(body, every), "one byte per chunk");
    }

    @Test
    void onChunk_responsesApiUsage() {
        String body = "{\"id\":\"resp_1\",\"object\":\"response\",\"output\":[{\"type\":\"message\",\"content\":"
                + "[{\"type\":\"output_text\",\"text\":\"ok\"}]}],\"usage\":{\"input_tokens\":30,"
                + "\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":5,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":2},\"total_tokens\":35}}";
        assertEquals(new Usage(30, 5, 35, false), feed(body.getBytes(UTF_8), 40, 41, 120));
    }

    @Test
    void onChunk_embeddingsUsageWithoutCompletion() {
        String body = "{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,-0.2,3e-5],\"index\":0}],"
                + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}";
        assertEquals(new Usage(8, 0, 8, false), feed(body.getBytes(UTF_8), 17));
    }

    @Test
    void onChunk_totalMissing_isSumOfParts() {
        assertEquals(
                new Usage(4, 6, 10, false),
                feed("{\"usage\":{\"completion_tokens\":6,\"prompt_tokens\":4}}".getBytes(UTF_8)));
    }

    @Test
    void onChunk_noTopLevelUsage_null() {
        for (String body : List.of(
                "{\"choices\":[{\"usage\":{\"prompt_tokens\":1}}]}",
                "{\"usage\":null}",
                "{\"usage\":{}}",
                "{\"usage\":[1]}",
                "[{\"usage\":{\"prompt_tokens\":1}}]",
                "{}")) {
            assertNull(feed(body.getBytes(UTF_8)), body);
        }
    }

    @Test
    void onChunk_notJson_nullAndNoThrow() {
        for (String body : List.of(
                "<html><body>502 Bad Gateway</body></html>",
                "",
                "{\"usage\":{\"prompt_tokens\":",
                "{\"a\":tru}",
                "\u0000\u00ff garbage",
                "{\"usage\":{\"prompt_tokens\":1e999999999}}")) {
            assertNull(feed(body.getBytes(UTF_8), body.length() / 2), body);
        }
        JsonUsageTap tap = new JsonUsageTap();
        byte[] invalid = {'{', '"', (byte) 0xFF, (byte) 0xFE, '"', ':', '1', '}'};
        ByteBuf b = Unpooled.wrappedBuffer(invalid);
        tap.onChunk(b);
        b.release();
        assertNull(tap.usage());
    }

    @Test
    void onChunk_compositeAndHeapChunks() {
        byte[] body = CHAT.getBytes(UTF_8);
        JsonUsageTap tap = new JsonUsageTap();
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.wrappedBuffer(body, 0, 50));
        composite.addComponent(
                true, PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(body, 50, 100));
        ByteBuf heap = Unpooled.wrappedBuffer(body, 150, body.length - 150);
        tap.onChunk(composite);
        tap.onChunk(heap);
        composite.release();
        heap.release();
        assertEquals(new Usage(12, 7, 19, false, 0, 3), tap.usage());
    }

    @Test
    void onChunk_usageAfterLargeContent() {
        String body = "{\"choices\":[{\"message\":{\"content\":\"" + "lorem ipsum ".repeat(50_000)
                + "\"}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}";
        byte[] bytes = body.getBytes(UTF_8);
        int[] cuts = new int[bytes.length / 8192];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = (i + 1) * 8192;
        }
        assertEquals(new Usage(1, 2, 3, false), feed(bytes, cuts));
    }

    @Test
    void onChunk_lookalikesOfUsage_ignored() {
        for (String body : List.of(
                "{\"a\":\"usage\",\"b\":{\"prompt_tokens\":1}}", // "usage" as a value
                "{\"data\":{\"usage\":{\"prompt_tokens\":1}}}", // usage one level down
                "{\"us\\u0061ge\":{\"prompt_tokens\":1}}", // spelled with an escape
                "{\"x\":\"\\\"usage\\\":{\\\"prompt_tokens\\\":1}\"}", // inside a string, quotes escaped
                "{\"usage\":\"{\\\"prompt_tokens\\\":1}\"}", // usage is a string
                "\"usage\"",
                "{\"usage\":{\"prompt_tokens\":-1}}",
                "{\"usage\":{\"prompt_tokens\":1.5}}",
                "{\"usage\":{\"prompt_tokens\":1234567890123456789}}",
                "{\"usage\":{\"prompt_tokens\":\"5\"}}")) {
            assertNull(feed(body.getBytes(UTF_8)), body);
        }
    }

    @Test
    void onChunk_prettyPrintedAndNestedDetails() {
        String body =
                "{\n  \"usage\" : {\n    \"prompt_tokens_details\" : { \"total_tokens\" : 99, \"x\" : [1, {\"prompt_tokens\": 5}] },"
                        + "\n    \"prompt_tokens\" : 0 ,\r\n\t\"completion_tokens\":123456789012345678\n  }\n}";
        assertEquals(new Usage(0, 123456789012345678L, 123456789012345678L, false), feed(body.getBytes(UTF_8), 9, 10));
    }

    /** Random bodies (escapes, nesting, lookalike keys and values, number forms), split at random, against Jackson. */
    @Test
    void onChunk_randomBodies_agreeWithJackson() throws IOException {
        Random random = new Random(42);
        int withUsage = 0;
        for (int n = 0; n < 3000; n++) {
            StringBuilder json = new StringBuilder();
            randomObject(random, json, 0);
            byte[] body = json.toString().getBytes(UTF_8);
            int[] cuts =
                    random.ints(random.nextInt(4), 0, body.length + 1).sorted().toArray();
            Usage expected = withJackson(body);
            assertEquals(expected, feed(body, cuts), json.toString());
            withUsage += expected != null ? 1 : 0;
        }
        assertTrue(withUsage > 150, "bodies with a usage: " + withUsage);
    }

    private static final String[] KEYS = {
        "usage",
        "prompt_tokens",
        "completion_tokens",
        "total_tokens",
        "input_tokens",
        "output_tokens",
        "choices",
        "id",
        "usage\\n",
        "us\\\"age",
        "usag",
        "usagee"
    };
    private static final String[] NUMBERS = {
        "0", "7", "42", "-3", "1.0", "2e3", "12E-1", "123456789012345678", "1234567890123456789"
    };

    private static void randomObject(Random r, StringBuilder json, int depth) {
        json.append('{');
        int fields = r.nextInt(depth == 0 ? 6 : 4);
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                json.append(r.nextBoolean() ? "," : " ,\n ");
            }
            // Biased towards a root usage object of counters, so that most bodies have something to find.
            String key = depth == 0 && r.nextInt(3) == 0
                    ? "usage"
                    : depth == 1 && r.nextInt(3) > 0 ? KEYS[1 + r.nextInt(5)] : KEYS[r.nextInt(KEYS.length)];
            json.append('"').append(key).append("\":");
            if (depth == 1 && r.nextBoolean()) {
                json.append(NUMBERS[r.nextInt(NUMBERS.length)]);
            } else {
                randomValue(r, json, depth + 1);
            }
        }
        json.append('}');
    }

    private static void randomValue(Random r, StringBuilder json, int depth) {
        switch (depth > 3 ? 3 + r.nextInt(3) : r.nextInt(6)) {
            case 0, 1 -> randomObject(r, json, depth);
            case 2 -> {
                json.append('[');
                for (int i = 0, n = r.nextInt(3); i < n; i++) {
                    json.append(i > 0 ? "," : "");
                    randomValue(r, json, depth + 1);
                }
                json.append(']');
            }
            case 3 -> json.append(NUMBERS[r.nextInt(NUMBERS.length)]);
            case 4 ->
                json.append('"')
                        .append(List.of(
                                        "usage",
                                        "a \\\"b\\\" {c}",
                                        "\\\\",
                                        "\\\\\\\"usage\\\":{",
                                        "\u00e9\u4e2d",
                                        "\\u0022")
                                .get(r.nextInt(6)))
                        .append('"');
            default -> json.append(List.of("true", "false", "null").get(r.nextInt(3)));
        }
    }

    /** The reference: Jackson finds the root's usage object and its integer counters. */
    private static Usage withJackson(byte[] body) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!"usage".equals(name) || value != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                UsageBuilder usage = new UsageBuilder();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String counter = p.currentName();
                    if (p.nextToken() == JsonToken.VALUE_NUMBER_INT
                            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                            && String.valueOf(Math.abs(p.getLongValue())).length() <= 18) {
                        usage.accept(counter, p.getLongValue());
                    }
                    p.skipChildren();
                }
                return usage.build();
            }
            return null;
        }
    }
}
