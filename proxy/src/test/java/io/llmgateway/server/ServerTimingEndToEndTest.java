package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.AnthropicAnswer;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 29: every answer carries the gateway's own time in {@code Server-Timing}, well-formed, over real sockets;
 * what a provider takes (its answer held back by the mock) is not in it.
 */
class ServerTimingEndToEndTest {
    /** What the mock provider holds its answer back; the gateway's own time must stay far below it. */
    private static final Duration PROVIDER_DELAY = Duration.ofMillis(400);

    private static final Pattern RELAYED = Pattern.compile("gw-pre;dur=(\\d+\\.\\d{3}), gw-post;dur=(\\d+\\.\\d{3})");
    private static final Pattern OWN = Pattern.compile("gw-total;dur=(\\d+\\.\\d{3})");
    private static final String STREAM = CHAT.replace("\"messages\"", "\"stream\":true,\"messages\"");
    private static final String MESSAGES =
            "{\"model\":\"%s\",\"max_tokens\":64,%s" + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    @RegisterExtension
    final MockUpstream claude = MockUpstream.start();

    private TestGateway gateway() throws Exception {
        return TestGateway.start("""
                api_provider:
                  main:
                    base_url: %s
                  spare:
                    base_url: %s
                  claude:
                    api: anthropic
                    base_url: %s
                    api_key: sk-ant-test
                model_config:
                  gpt-4o:
                    main: {}
                    spare: {}
                  claude-sonnet:
                    claude: {alias: claude-sonnet-4-5}
                """.formatted(main.baseUrl(), spare.baseUrl(), claude.baseUrl()));
    }

    /** The gateway's own time of a relayed answer, in ms: gw-pre + gw-post; fails unless both are there. */
    private static double relayed(HttpResponse<String> r) {
        List<String> values = r.headers().allValues("server-timing");
        assertEquals(1, values.size(), values.toString());
        Matcher m = RELAYED.matcher(values.get(0));
        assertTrue(m.matches(), values.get(0));
        return Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2));
    }

    /** gw-total of an answer no provider gave; fails unless it is the only metric. */
    private static double own(HttpResponse<String> r) {
        List<String> values = r.headers().allValues("server-timing");
        assertEquals(1, values.size(), values.toString());
        Matcher m = OWN.matcher(values.get(0));
        assertTrue(m.matches(), values.get(0));
        return Double.parseDouble(m.group(1));
    }

    /** Sends {@code body} to {@code path}; returns the answer after checking it took at least the provider's delay. */
    private static HttpResponse<String> delayed(TestGateway g, String path, String body) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = g.post(path, body);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(
                System.nanoTime() - start >= PROVIDER_DELAY.toNanos(), "the provider's delay is part of the exchange");
        return r;
    }

    private static void assertFarBelowTheProvidersDelay(double gatewayMillis) {
        assertTrue(
                gatewayMillis < PROVIDER_DELAY.toMillis() / 2.0,
                gatewayMillis + " ms of the gateway's own (the provider took " + PROVIDER_DELAY.toMillis() + " ms)");
    }

    @Test
    void openAiJsonAndStream_carryPreAndPost_withoutTheProvidersTime() throws Exception {
        try (TestGateway g = gateway()) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode()); // warms the path up

            main.enqueue(Behaviour.chatCompletion("hello").withDelay(PROVIDER_DELAY));
            assertFarBelowTheProvidersDelay(relayed(delayed(g, "/v1/chat/completions", CHAT)));

            main.enqueue(Behaviour.sse("a", "b").withDelay(PROVIDER_DELAY));
            HttpResponse<String> stream = delayed(g, "/v1/chat/completions", STREAM);
            assertTrue(stream.body().contains("data: [DONE]"), stream.body());
            assertFarBelowTheProvidersDelay(relayed(stream));
        }
    }

    @Test
    void messages_toAnAnthropicProviderAndTranslated_carryPreAndPost() throws Exception {
        try (TestGateway g = gateway()) {
            String json = MESSAGES.formatted("claude-sonnet", "");
            String stream = MESSAGES.formatted("claude-sonnet", "\"stream\":true,");
            assertEquals(200, g.post("/v1/messages", json).statusCode());

            claude.enqueue(AnthropicAnswer.text("hello").json().withDelay(PROVIDER_DELAY));
            assertFarBelowTheProvidersDelay(relayed(delayed(g, "/v1/messages", json)));
            claude.enqueue(AnthropicAnswer.text("hel", "lo").stream().withDelay(PROVIDER_DELAY));
            assertFarBelowTheProvidersDelay(relayed(delayed(g, "/v1/messages", stream)));

            // Translated: Messages clients to an OpenAI provider, chat clients to an Anthropic one.
            main.enqueue(Behaviour.chatCompletion("hello").withDelay(PROVIDER_DELAY));
            assertFarBelowTheProvidersDelay(relayed(delayed(g, "/v1/messages", MESSAGES.formatted("gpt-4o", ""))));
            main.enqueue(Behaviour.sse("a", "b").withDelay(PROVIDER_DELAY));
            HttpResponse<String> viaChat = delayed(g, "/v1/messages", MESSAGES.formatted("gpt-4o", "\"stream\":true,"));
            assertTrue(viaChat.body().contains("message_stop"), viaChat.body());
            assertFarBelowTheProvidersDelay(relayed(viaChat));
            claude.enqueue(AnthropicAnswer.text("hel", "lo").stream().withDelay(PROVIDER_DELAY));
            HttpResponse<String> viaMessages =
                    delayed(g, "/v1/chat/completions", STREAM.replace("gpt-4o", "claude-sonnet"));
            assertTrue(viaMessages.body().contains("data: [DONE]"), viaMessages.body());
            assertFarBelowTheProvidersDelay(relayed(viaMessages));
        }
    }

    @Test
    void aFailedAttempt_theProvidersWaitIsLeftOutOfPre() throws Exception {
        try (TestGateway g = gateway()) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            int mainBefore = main.requests().size();
            int spareBefore = spare.requests().size();

            main.enqueue(Behaviour.error(500, "server_error", "boom").withDelay(PROVIDER_DELAY));
            HttpResponse<String> r = delayed(g, "/v1/chat/completions", CHAT);
            assertEquals(mainBefore + 1, main.requests().size());
            assertEquals(spareBefore + 1, spare.requests().size(), "the other provider answered after a failure");
            assertFarBelowTheProvidersDelay(relayed(r));
        }
    }

    @Test
    void aProvidersOwnServerTiming_isKept_andTheGatewaysAdded() throws Exception {
        try (TestGateway g = gateway()) {
            main.enqueue(Behaviour.chatCompletion("hello").withHeader("Server-Timing", "db;dur=53, cache;desc=hit"));
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            List<String> values = r.headers().allValues("server-timing");
            assertEquals(2, values.size(), values.toString());
            assertEquals("db;dur=53, cache;desc=hit", values.get(0));
            assertTrue(RELAYED.matcher(values.get(1)).matches(), values.get(1));
        }
    }

    @Test
    void aProvidersErrorAnswer_carriesPreAndPost_theGatewaysOwnErrorsTheTotal() throws Exception {
        try (TestGateway g = gateway()) {
            main.enqueue(Behaviour.error(400, "invalid_request_error", "no").withDelay(PROVIDER_DELAY));
            long start = System.nanoTime();
            HttpResponse<String> relayedError = g.post("/v1/chat/completions", CHAT);
            long elapsed = System.nanoTime() - start;
            assertEquals(400, relayedError.statusCode(), relayedError.body());
            assertTrue(elapsed >= PROVIDER_DELAY.toNanos());
            assertFarBelowTheProvidersDelay(relayed(relayedError));

            HttpResponse<String> unknownModel = g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "nope"));
            assertEquals(404, unknownModel.statusCode());
            own(unknownModel);
            HttpResponse<String> notJson = g.post("/v1/messages", "{not json");
            assertEquals(400, notJson.statusCode());
            own(notJson);
            HttpResponse<String> refusedOnItsHead = g.post("/v2/nothing", "{}");
            assertEquals(404, refusedOnItsHead.statusCode());
            own(refusedOnItsHead);
            HttpResponse<String> unknownUrl = g.get("/v1/nothing");
            assertEquals(404, unknownUrl.statusCode());
            own(unknownUrl);
        }
    }

    @Test
    void localAnswers_carryTheTotal() throws Exception {
        try (TestGateway g = gateway()) {
            for (String path : List.of("/healthz", "/v1/models", "/v1/models/gpt-4o", "/metrics")) {
                HttpResponse<String> r = g.get(path);
                assertEquals(200, r.statusCode(), path);
                double millis = own(r);
                assertTrue(millis < TimeUnit.SECONDS.toMillis(10), path + ": " + millis);
            }
            // No Anthropic provider serves gpt-4o: the gateway counts the tokens itself.
            HttpResponse<String> count = g.post(
                    "/v1/messages/count_tokens",
                    MESSAGES.formatted("gpt-4o", "").replace("\"max_tokens\":64,", ""));
            assertEquals(200, count.statusCode(), count.body());
            own(count);
        }
    }
}
