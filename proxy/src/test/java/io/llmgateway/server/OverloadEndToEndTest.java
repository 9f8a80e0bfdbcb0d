package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.observe.RequestRecord;
import io.llmgateway.route.Failure;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Anthropic's 529 (overloaded) is an overload like 503: failed over, and counted by the circuit breaker. */
class OverloadEndToEndTest {
    private static final String OVERLOADED =
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";

    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    private TestGateway start() throws Exception {
        return TestGateway.start("""
                routing:
                  failure_threshold: 2
                  base_cooldown: 1h
                  max_cooldown: 2h
                api_provider:
                  main:
                    base_url: %s
                  spare:
                    base_url: %s
                model_config:
                  m:
                    main: {}
                    spare: {}
                """.formatted(main.baseUrl(), spare.baseUrl()));
    }

    @Test
    void classify_529_isAServerError() {
        assertEquals(Failure.SERVER_ERROR, Failover.classify(529));
    }

    @Test
    void status529_failsOver_andOpensTheCircuitLike503() throws Exception {
        main.enqueue(Behaviour.json(529, OVERLOADED));
        main.enqueue(Behaviour.json(529, OVERLOADED));
        try (TestGateway g = start()) {
            BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
            g.gateway().observers().add(records::add);

            for (int i = 0; i < 3; i++) {
                assertEquals(
                        200,
                        g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "m"))
                                .statusCode());
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
    void status529_everyProviderOverloaded_clientGetsTheStatus() throws Exception {
        main.enqueue(Behaviour.json(529, OVERLOADED));
        spare.enqueue(Behaviour.json(529, OVERLOADED));
        try (TestGateway g = start()) {
            assertEquals(
                    529,
                    g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "m")).statusCode());
        }
    }
}
