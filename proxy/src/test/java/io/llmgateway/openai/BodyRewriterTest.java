package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.testing.TestJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BodyRewriterTest {
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    /** Rewrites {@code json} held in a pooled direct buffer; checks ownership; returns the output text. */
    private static String rewrite(String json, String alias, boolean inject) throws BadRequestException {
        ByteBuf body = ALLOC.directBuffer().writeBytes("xx".getBytes(UTF_8)).writeBytes(json.getBytes(UTF_8));
        body.skipBytes(2);
        try {
            RequestInfo info = RequestScanner.scan(body);
            ByteBuf out = BodyRewriter.rewrite(ALLOC, body, info, alias, inject);
            try {
                assertNotSame(body, out);
                assertEquals(2, body.readerIndex(), "body not consumed");
                return out.toString(UTF_8);
            } finally {
                out.release();
                assertEquals(1, body.refCnt(), "the result must hold no reference once released");
            }
        } finally {
            body.release();
            assertEquals(0, body.refCnt());
        }
    }

    private static Map<String, Object> expected(String json, Map<String, Object> changes) {
        Map<String, Object> m = new LinkedHashMap<>(TestJson.parseObject(json));
        m.putAll(changes);
        return m;
    }

    @Test
    void rewrite_aliasReplacesModelOnly() throws Exception {
        String json = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi \\\"there\\\" \u00e9\"}],"
                + " \"model\" : \"gpt-4o\", \"stream\":false}";
        String out = rewrite(json, "azure-gpt-4o-2024", false);
        assertEquals(expected(json, Map.of("model", "azure-gpt-4o-2024")), TestJson.parseObject(out));
        assertEquals(json.replace("\"gpt-4o\"", "\"azure-gpt-4o-2024\""), out, "every other byte unchanged");
    }

    @Test
    void rewrite_aliasNeedingEscapes() throws Exception {
        String json = "{\"model\":\"m\",\"messages\":[]}";
        for (String alias : List.of("we\"ird\\name", "\u00e9\u4e2d\uD83D\uDE00", "tab\tnl\nctl\u0001", "/slash")) {
            assertEquals(
                    alias, TestJson.parseObject(rewrite(json, alias, false)).get("model"), alias);
        }
    }

    @Test
    void rewrite_sameAliasNoInject_identicalBytes() throws Exception {
        String json = "{\"model\":\"same\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        assertEquals(json, rewrite(json, "same", true));
        assertEquals(json, rewrite(json, "same", false));
    }

    @Test
    void rewrite_injectWithoutStreamOptions() throws Exception {
        String json = "{\"model\":\"m\",\"stream\":true,\"messages\":[]}";
        String out = rewrite(json, "m", true);
        assertEquals(
                expected(json, Map.of("stream_options", Map.of("include_usage", true))), TestJson.parseObject(out));
        out = rewrite(json, "alias", true);
        assertEquals(
                expected(json, Map.of("model", "alias", "stream_options", Map.of("include_usage", true))),
                TestJson.parseObject(out));
    }

    @Test
    void rewrite_injectIntoEmptyStreamOptions() throws Exception {
        String json = "{\"stream_options\":{ },\"model\":\"m\",\"stream\":true}";
        assertEquals(
                expected(json, Map.of("stream_options", Map.of("include_usage", true), "model", "a")),
                TestJson.parseObject(rewrite(json, "a", true)));
    }

    @Test
    void rewrite_injectIntoStreamOptionsWithOtherKeys() throws Exception {
        String json = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"other\":1}}";
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("include_usage", true);
        options.put("other", 1L);
        assertEquals(
                expected(json, Map.of("stream_options", options, "model", "a")),
                TestJson.parseObject(rewrite(json, "a", true)));
    }

    @Test
    void rewrite_includeUsageFalseOrNullBecomesTrue() throws Exception {
        for (String v : List.of("false", "null")) {
            String before =
                    "{\"stream_options\":{\"x\":[1],\"include_usage\":" + v + "},\"stream\":true,\"model\":\"m\"}";
            String after =
                    "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":" + v + ",\"x\":[1]}}";
            for (String json : List.of(before, after)) { // the model edit before and after the usage edit
                Map<String, Object> options = new LinkedHashMap<>();
                options.put("x", List.of(1L));
                options.put("include_usage", true);
                assertEquals(
                        expected(json, Map.of("stream_options", options, "model", "alias")),
                        TestJson.parseObject(rewrite(json, "alias", true)),
                        json);
            }
        }
    }

    @Test
    void rewrite_streamOptionsNullBecomesObject() throws Exception {
        String json = "{\"model\":\"m\",\"stream_options\":null,\"stream\":true}";
        assertEquals(
                expected(json, Map.of("stream_options", Map.of("include_usage", true))),
                TestJson.parseObject(rewrite(json, "m", true)));
    }

    @Test
    void rewrite_injectNotRequested_streamOptionsUntouched() throws Exception {
        String json = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":false}}";
        assertEquals(json.replace("\"m\"", "\"b\""), rewrite(json, "b", false));
    }

    @Test
    void rewrite_heapBodyWithLargePrompt_noCopyOfTheRest() throws Exception {
        String big = "x".repeat(200_000);
        String json = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}";
        ByteBuf body = Unpooled.copiedBuffer(json, UTF_8);
        try {
            RequestInfo info = RequestScanner.scan(body);
            ByteBuf out = BodyRewriter.rewrite(ALLOC, body, info, "alias", true);
            try {
                assertEquals(
                        4,
                        body.refCnt(),
                        "three retained slices of the body ({ | inserted | ..model | alias | rest), no copy");
                Map<String, Object> m = TestJson.parseObject(out.toString(UTF_8));
                assertEquals("alias", m.get("model"));
            } finally {
                out.release();
            }
            assertEquals(1, body.refCnt());
        } finally {
            body.release();
        }
    }

    @Test
    void rewrite_smallBody_copiedIntoOneBuffer_largeBodySpliced() throws Exception {
        for (int size : List.of(BodyRewriter.COPY_BELOW - 200, BodyRewriter.COPY_BELOW + 200)) {
            String json = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                    + "y".repeat(size - 90) + "\"}]}";
            ByteBuf body = ALLOC.directBuffer().writeBytes(json.getBytes(UTF_8));
            try {
                RequestInfo info = RequestScanner.scan(body);
                ByteBuf out = BodyRewriter.rewrite(ALLOC, body, info, "alias", true);
                try {
                    boolean small = body.readableBytes() < BodyRewriter.COPY_BELOW;
                    assertEquals(small ? 1 : 4, body.refCnt(), "size " + body.readableBytes());
                    assertEquals(
                            expected(json, Map.of("model", "alias", "stream_options", Map.of("include_usage", true))),
                            TestJson.parseObject(out.toString(UTF_8)));
                } finally {
                    out.release();
                }
                assertEquals(1, body.refCnt());
            } finally {
                body.release();
            }
        }
    }

    @Test
    void rewrite_infoFromAnotherBody_rejected() throws Exception {
        ByteBuf big = Unpooled.copiedBuffer("{\"messages\":[],\"stream\":true,\"model\":\"m\"}", UTF_8);
        ByteBuf small = Unpooled.copiedBuffer("{\"model\":\"m\"}", UTF_8);
        try {
            RequestInfo info = RequestScanner.scan(big);
            assertThrows(IllegalArgumentException.class, () -> BodyRewriter.rewrite(ALLOC, small, info, "a", true));
            assertEquals(1, small.refCnt());
        } finally {
            big.release();
            small.release();
        }
    }

    @Test
    void escape_plainStringIsReturnedAsIs() {
        String s = "gpt-4o-mini";
        assertEquals(s, BodyRewriter.escape(s));
        assertFalse(BodyRewriter.escape("a\"b").equals("a\"b"));
    }
}
