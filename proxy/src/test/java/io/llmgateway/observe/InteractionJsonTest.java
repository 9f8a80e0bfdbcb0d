package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.TestJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InteractionJsonTest {

    private static String format(RequestRecord r) {
        return new String(new InteractionJson().format(r).toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void format_clientGoneBeforeAnyByte_hasNullTimeToFirstByte() {
        String line = format(new RequestRecord(
                0,
                "req_1",
                null,
                "/chat/completions",
                "gpt-4o",
                null,
                null,
                List.of(),
                0,
                true,
                -1,
                12,
                0,
                0,
                0,
                true,
                "client_closed",
                "the client closed the connection"));

        Map<?, ?> json = (Map<?, ?>) TestJson.parse(line);
        assertNull(json.get("ttfb_ms"));
        assertTrue(json.containsKey("ttfb_ms"), "every line has every field");
        assertEquals(0L, json.get("status"));
        assertEquals("1970-01-01T00:00:00Z", json.get("time"));
    }

    @Test
    void format_isExactlyOneLine_whateverTheTextsContain() {
        String body = "line one\nline two\r\n\u2028 \"quoted\" \u00e9\u4e2d \uD83D\uDE00";
        String line = format(new RequestRecord(
                1_700_000_000_123L,
                "req_2",
                "team-a",
                "/chat/completions",
                "gpt-4o",
                "gpt-4o",
                "main",
                List.of(new AttemptRecord("main", "gpt-4o", "ok", 200, 5)),
                200,
                false,
                3,
                5,
                1,
                2,
                3,
                false,
                null,
                null,
                body,
                body,
                0,
                0,
                RequestRecord.UNPRICED,
                "openai",
                "openai"));

        assertTrue(line.endsWith("\n"));
        assertFalse(line.substring(0, line.length() - 1).contains("\n"), line);
        assertFalse(line.contains("\r"), line);
        Map<?, ?> json = (Map<?, ?>) TestJson.parse(line);
        assertEquals(body, json.get("request_body"));
        assertEquals(body, json.get("response_body"));
        assertEquals("team-a", json.get("client_key_id"));
        assertEquals("2023-11-14T22:13:20.123Z", json.get("time"));
    }

    @Test
    void format_failover_exactLine() {
        String line = format(new RequestRecord(
                1_738_324_800_123L,
                "req_3",
                null,
                "/chat/completions",
                "auto",
                "gpt-4o",
                "backup",
                List.of(
                        new AttemptRecord("main", "gpt-4o", "status_503", 503, 12),
                        new AttemptRecord("backup", "gpt-4o", "ok", 200, 801)),
                200,
                true,
                240,
                815,
                12,
                30,
                42,
                false,
                null,
                "a <b> \"c\""));

        assertEquals(
                "{\"time\":\"2025-01-31T12:00:00.123Z\",\"request_id\":\"req_3\",\"client_key_id\":null,"
                        + "\"path\":\"/chat/completions\",\"model\":\"auto\",\"model_used\":\"gpt-4o\",\"provider\":\"backup\","
                        + "\"client_api\":null,\"provider_api\":null,\"stream\":true,\"status\":200,\"attempts\":[{\"provider\":\"main\",\"model\":\"gpt-4o\","
                        + "\"outcome\":\"status_503\",\"status\":503,\"ms\":12},{\"provider\":\"backup\",\"model\":\"gpt-4o\","
                        + "\"outcome\":\"ok\",\"status\":200,\"ms\":801}],\"failovers\":1,\"ttfb_ms\":240,\"latency_ms\":815,"
                        + "\"prompt_tokens\":12,\"completion_tokens\":30,\"total_tokens\":42,\"tokens_estimated\":false,\"cost_usd\":null,"
                        + "\"error_type\":null,\"error_message\":\"a \\u003cb\\u003e \\\"c\\\"\"}\n",
                line);
    }

    @Test
    void format_namesTheWireFormatsInAndOut() {
        String line = format(new RequestRecord(
                0,
                "r",
                null,
                "/messages",
                "claude",
                "claude",
                "oa",
                List.of(),
                200,
                false,
                5,
                9,
                1,
                2,
                3,
                false,
                null,
                null,
                null,
                null,
                0,
                0,
                0,
                "anthropic",
                "openai"));

        assertTrue(
                line.contains("\"provider\":\"oa\",\"client_api\":\"anthropic\",\"provider_api\":\"openai\","), line);
    }

    @Test
    void format_time_isIsoInstant_acrossMillisecondsAndSeconds() {
        InteractionJson json = new InteractionJson(); // one formatter: it keeps the text of the last second
        long[] times = {
            0,
            5,
            50,
            500,
            999,
            1000,
            1001,
            59_999,
            60_000,
            1_738_324_799_999L,
            1_738_324_800_000L,
            1_738_324_800_010L,
            1_738_324_800_000L,
            1_738_324_799_001L,
            253_402_300_799_999L,
            -1,
            -1000,
            -1001
        };
        for (long t : times) {
            String line = new String(
                    json.format(new RequestRecord(
                                    t,
                                    "r",
                                    null,
                                    "/chat/completions",
                                    "m",
                                    null,
                                    null,
                                    List.of(),
                                    200,
                                    false,
                                    -1,
                                    1,
                                    0,
                                    0,
                                    0,
                                    true,
                                    null,
                                    null))
                            .toByteArray(),
                    StandardCharsets.UTF_8);

            Map<?, ?> parsed = (Map<?, ?>) TestJson.parse(line);
            assertEquals(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(t)), parsed.get("time"), "at " + t);
        }
    }

    @Test
    void format_aCacheHit_saysSo_withTheSavedCost() {
        String line = format(new RequestRecord(
                0,
                "req_3",
                null,
                "/chat/completions",
                "gpt-4o",
                "gpt-4o",
                null,
                List.of(),
                200,
                false,
                1,
                1,
                10,
                5,
                15,
                false,
                null,
                null,
                null,
                null,
                0,
                0,
                0,
                "openai",
                null,
                -1,
                -1,
                "hit",
                20_000));
        Map<?, ?> json = (Map<?, ?>) TestJson.parse(line);
        assertEquals("hit", json.get("cache"));
        assertEquals(0.00002, ((Number) json.get("saved_cost_usd")).doubleValue(), 1e-12);
        assertEquals(0L, ((Number) json.get("cost_usd")).longValue());
    }

    @Test
    void format_theGatewaysOwnTime_inMicroseconds_onlyWhenAProviderWasAsked() {
        String answered = format(timed(2_345_678, 456_789));
        String failedBeforeAnswer = format(timed(1_000, -1));
        String neverSent = format(timed(-1, -1));

        assertTrue(answered.contains("\"latency_ms\":9,\"gateway_pre_us\":2345,\"gateway_post_us\":456,"), answered);
        Map<?, ?> failed = (Map<?, ?>) TestJson.parse(failedBeforeAnswer);
        assertEquals(1L, ((Number) failed.get("gateway_pre_us")).longValue());
        assertFalse(failed.containsKey("gateway_post_us"), failedBeforeAnswer);
        assertFalse(neverSent.contains("gateway_"), neverSent);
    }

    private static RequestRecord timed(long preNanos, long postNanos) {
        return new RequestRecord(
                0,
                "r",
                null,
                "/chat/completions",
                "m",
                "m",
                "p",
                List.of(),
                200,
                false,
                5,
                9,
                1,
                2,
                3,
                false,
                null,
                null,
                null,
                null,
                0,
                0,
                0,
                "openai",
                "openai",
                preNanos,
                postNanos,
                null,
                0);
    }
}
