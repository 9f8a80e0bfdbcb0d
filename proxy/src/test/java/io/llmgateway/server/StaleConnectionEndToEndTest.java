package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.observe.RequestRecord;
import io.llmgateway.route.ProviderSnapshot;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 24: a provider that closes (or resets) a kept-alive connection just as the gateway sends the next
 * request on it. The request goes again on a new connection to the same provider, inside the same attempt:
 * no failover, no failure on the provider's circuit, the request counted once in its limits.
 */
class StaleConnectionEndToEndTest {
    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    private TestGateway twoProviders() throws Exception {
        // One io thread: both requests use the same pool, so the second one reuses the first one's connection.
        return TestGateway.start("""
                server:
                  io_threads: 1
                api_provider:
                  main:
                    base_url: %s
                  spare:
                    base_url: %s
                model_config:
                  gpt-4o:
                    main: {}
                    spare: {}
                """.formatted(main.baseUrl(), spare.baseUrl()));
    }

    @Test
    void reusedConnectionClosedBeforeAnswering_isRetriedOnANewConnection_withoutFailoverOrPenalty() throws Exception {
        secondRequestMeets(Behaviour.dropConnection());
    }

    @Test
    void reusedConnectionResetBeforeAnswering_isRetriedOnANewConnection_withoutFailoverOrPenalty() throws Exception {
        secondRequestMeets(Behaviour.resetConnection());
    }

    private void secondRequestMeets(Behaviour stale) throws Exception {
        main.enqueue(Behaviour.chatCompletion("first"), stale);
        try (TestGateway g = twoProviders()) {
            BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            g.gateway().observers().add(records::add);

            HttpResponse<String> second = g.post("/v1/chat/completions", CHAT);

            assertEquals(200, second.statusCode(), second.body());
            assertEquals(List.of(1, 1, 2), connections(main), "sent again on a new connection to main");
            assertEquals(0, spare.requests().size(), "no failover");
            ProviderSnapshot m = provider(g, "main");
            assertEquals(0, m.consecutiveFailures());
            assertEquals(2, m.rpm(), "two client requests, counted once each");
            RequestRecord record = records.poll(5, TimeUnit.SECONDS);
            assertEquals(
                    List.of("main:ok"),
                    record.attempts().stream()
                            .map(a -> a.provider() + ":" + a.outcome())
                            .collect(Collectors.toList()));
        }
    }

    @Test
    void retryOnANewConnection_happensOnce_aProviderDroppingEveryRequestStillFailsOverAndCounts() throws Exception {
        main.enqueue(Behaviour.chatCompletion("first"));
        main.setDefault(Behaviour.dropConnection());
        try (TestGateway g = twoProviders()) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());

            HttpResponse<String> second = g.post("/v1/chat/completions", CHAT);

            assertEquals(200, second.statusCode(), second.body());
            assertEquals(List.of(1, 1, 2), connections(main), "one retry on a new connection, no more");
            assertEquals(1, spare.requests().size(), "then failover");
            assertEquals(1, provider(g, "main").consecutiveFailures());
        }
    }

    @Test
    void newConnectionClosedBeforeAnswering_isAFailure() throws Exception {
        main.setDefault(Behaviour.dropConnection());
        try (TestGateway g = twoProviders()) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(200, r.statusCode(), r.body());
            assertEquals(List.of(1), connections(main), "a new connection is not retried");
            assertEquals(1, spare.requests().size());
            assertEquals(1, provider(g, "main").consecutiveFailures());
        }
    }

    private static List<Integer> connections(MockUpstream mock) {
        return mock.requests().stream().map(RecordedRequest::connectionId).collect(Collectors.toList());
    }

    private static ProviderSnapshot provider(TestGateway g, String name) {
        return g.gateway().router().snapshot().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
