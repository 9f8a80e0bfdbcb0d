package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.limit.MutableClock;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 3: failover inside one request, circuit breaking, limits and "auto", over real sockets. */
class FailoverEndToEndTest {
    /** Anthropic's overload answer (HTTP 529): an overload like 503. */
    private static final String OVERLOADED =
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";

    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    private TestGateway twoProviders(String extra) throws Exception {
        return twoProviders(extra, Clock.systemDefaultZone());
    }

    private TestGateway twoProviders(String extra, Clock clock) throws Exception {
        return TestGateway.start(extra + """
                api_provider:
                  main:
                    base_url: %s
                  spare:
                    base_url: %s
                model_config:
                  gpt-4o:
                    main: {}
                    spare: {}
                """.formatted(main.baseUrl(), spare.baseUrl()), clock);
    }

    @Test
    void serverError_failsOverToNextProvider_andTheRecordListsBothAttempts() throws Exception {
        main.enqueue(Behaviour.error(500, "server_error", "boom"));
        try (TestGateway g = twoProviders("")) {
            BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
            g.gateway().observers().add(records::add);

            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, main.requests().size());
            assertEquals(1, spare.requests().size());
            RequestRecord record = records.poll(5, TimeUnit.SECONDS);
            assertEquals(
                    List.of("main:server_error:500", "spare:ok:200"),
                    record.attempts().stream()
                            .map(a -> a.provider() + ":" + a.outcome() + ":" + a.status())
                            .collect(Collectors.toList()));
            assertEquals(200, record.status());
            assertEquals("spare", record.provider());
            assertEquals("gpt-4o", record.modelUsed());
            assertEquals("/chat/completions", record.path());
            assertEquals(15, record.totalTokens());
            assertFalse(record.tokensEstimated());
            assertNull(record.errorType());
        }
    }

    @Test
    void refusedConnection_failsOverToNextProvider() throws Exception {
        try (TestGateway g = TestGateway.start("""
                api_provider:
                  dead:
                    base_url: http://127.0.0.1:1/v1
                  spare:
                    base_url: %s
                model_config:
                  gpt-4o:
                    dead: {}
                    spare: {}
                """.formatted(spare.baseUrl()))) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, spare.requests().size());
        }
    }

    @Test
    void rateLimited_failsOver_andRetryAfterKeepsProviderAside() throws Exception {
        main.enqueue(Behaviour.rateLimited(30));
        try (TestGateway g = twoProviders("")) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());

            assertEquals(1, main.requests().size(), "main asked us to wait 30 s");
            assertEquals(2, spare.requests().size());
        }
    }

    @Test
    void unauthorized_failsOver_andBadKeyIsSkippedAfterwards() throws Exception {
        main.enqueue(Behaviour.error(401, "invalid_request_error", "Incorrect API key provided"));
        try (TestGateway g = twoProviders("")) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());

            assertEquals(1, main.requests().size());
            assertEquals(2, spare.requests().size());
        }
    }

    @Test
    void slowHeaders_timeOut_andFailOver() throws Exception {
        main.enqueue(Behaviour.stall());
        try (TestGateway g = twoProviders("upstream:\n  response_timeout: 300ms\n")) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, spare.requests().size());
        }
    }

    @Test
    void clientError_isReturnedWithoutFailover_andWithoutPenalty() throws Exception {
        for (int i = 0; i < 5; i++) {
            main.enqueue(Behaviour.error(400, "invalid_request_error", "bad request " + i));
        }
        try (TestGateway g = twoProviders("")) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);
                assertEquals(400, r.statusCode());
                assertTrue(r.body().contains("bad request " + i), r.body());
            }
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());

            assertEquals(6, main.requests().size(), "client errors never open the circuit");
            assertEquals(0, spare.requests().size());
        }
    }

    @Test
    void everyProviderFails_clientGetsTheLastProviderError() throws Exception {
        main.enqueue(Behaviour.error(503, "server_error", "main overloaded"));
        spare.enqueue(Behaviour.error(502, "server_error", "spare broken"));
        try (TestGateway g = twoProviders("")) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(502, r.statusCode(), r.body());
            assertTrue(r.body().contains("spare broken"), r.body());
        }
    }

    @Test
    void maxAttemptsOne_meansNoFailover() throws Exception {
        main.enqueue(Behaviour.error(500, "server_error", "boom"));
        try (TestGateway g = twoProviders("routing:\n  max_attempts: 1\n")) {
            assertEquals(500, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(0, spare.requests().size());
        }
    }

    @Test
    void rpmExhausted_is429WithRetryAfter_namingTheModel() throws Exception {
        try (TestGateway g = TestGateway.start("""
                api_provider:
                  tiny:
                    base_url: %s
                    limits: {rpm: 2}
                model_config:
                  gpt-4o:
                    tiny: {}
                """.formatted(main.baseUrl()))) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(429, r.statusCode(), r.body());
            long retryAfter =
                    Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry-after " + retryAfter);
            assertTrue(r.body().contains("gpt-4o"), r.body());
            assertTrue(r.body().contains("rate_limit"), r.body());
            assertEquals(2, main.requests().size());
        }
    }

    @Test
    void auto_fallsThroughToTheNextModel_whenTheFirstHasNoCapacity() throws Exception {
        try (TestGateway g = TestGateway.start("""
                api_provider:
                  small:
                    base_url: %s
                    limits: {rpm: 1}
                  other:
                    base_url: %s
                model_config:
                  first-choice:
                    small: {}
                  second-choice:
                    other:
                      alias: other-model-v2
                auto: [first-choice, second-choice]
                """.formatted(main.baseUrl(), spare.baseUrl()))) {
            String auto = "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertEquals(200, g.post("/v1/chat/completions", auto).statusCode());
            HttpResponse<String> second = g.post("/v1/chat/completions", auto);

            assertEquals(200, second.statusCode(), second.body());
            assertTrue(main.takeRequest(Duration.ofSeconds(5)).body().contains("\"model\":\"first-choice\""));
            assertTrue(spare.takeRequest(Duration.ofSeconds(5)).body().contains("\"model\":\"other-model-v2\""));
            assertEquals(
                    "second-choice",
                    second.headers().firstValue("x-gateway-model").orElseThrow());
        }
    }

    @Test
    void overloaded529_failsOver_andOpensTheCircuitLike503() throws Exception {
        main.enqueue(Behaviour.json(529, OVERLOADED));
        main.enqueue(Behaviour.json(529, OVERLOADED));
        try (TestGateway g = twoProviders("routing: {failure_threshold: 2, base_cooldown: 1h, max_cooldown: 2h}\n")) {
            BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
            g.gateway().observers().add(records::add);

            for (int i = 0; i < 3; i++) {
                assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            }

            assertEquals(
                    List.of("main:server_error:529", "spare:ok:200"),
                    records.poll(5, TimeUnit.SECONDS).attempts().stream()
                            .map(a -> a.provider() + ":" + a.outcome() + ":" + a.status())
                            .collect(Collectors.toList()));
            assertEquals(2, main.requests().size(), "two overloads in a row opened main's circuit");
            assertEquals(3, spare.requests().size());
        }
    }

    @Test
    void overloaded529_onEveryProvider_isTheClientsStatus() throws Exception {
        main.enqueue(Behaviour.json(529, OVERLOADED));
        spare.enqueue(Behaviour.json(529, OVERLOADED));
        try (TestGateway g = twoProviders("")) {
            assertEquals(529, g.post("/v1/chat/completions", CHAT).statusCode());
        }
    }

    @Test
    void anthropicRateLimits_nothingRemaining_setsTheProviderAsideUntilItsResetTime() throws Exception {
        MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");
        main.enqueue(Behaviour.chatCompletion("last one")
                .withHeader("anthropic-ratelimit-requests-limit", "50")
                .withHeader("anthropic-ratelimit-requests-remaining", "0")
                .withHeader("anthropic-ratelimit-requests-reset", "2025-01-01T00:00:30Z"));
        try (TestGateway g = twoProviders("", clock)) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(1, main.requests().size(), "main said it had nothing left until 00:00:30");
            assertEquals(1, spare.requests().size());

            clock.advance(Duration.ofSeconds(30));
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(2, main.requests().size(), "main is back after its reset");
        }
    }
}
