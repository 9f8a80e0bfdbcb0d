package io.llmgateway.observe;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 7: x-ratelimit-* headers on proxied responses, computed for the model asked for. */
class RateLimitHeadersEndToEndTest {
    private static final String STREAM =
            "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final Pattern GO_DURATION =
            Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:([\\d.]+)s)?(?:(\\d+)ms)?");

    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    private TestGateway gateway(String mainLimits, String spareLimits, String spareRoute) throws Exception {
        return TestGateway.start("""
                api_provider:
                  main:
                    base_url: %s
                    limits: %s
                  spare:
                    base_url: %s
                    limits: %s
                model_config:
                  gpt-4o:
                    main: {}
                    spare: %s
                """.formatted(main.baseUrl(), mainLimits, spare.baseUrl(), spareLimits, spareRoute));
    }

    @Test
    void rpm10_afterThreeRequests_sevenRemain_andTokensCountDown() throws Exception {
        try (TestGateway g = gateway("{rpm: 10, tpm: 1000}", "{}", "{enable: false}")) {
            List<HttpHeaders> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);
                assertEquals(200, r.statusCode(), r.body());
                seen.add(r.headers());
            }

            HttpHeaders third = seen.get(2);
            assertEquals("10", header(third, "x-ratelimit-limit-requests"));
            assertEquals("9", header(seen.get(0), "x-ratelimit-remaining-requests"));
            assertEquals("7", header(third, "x-ratelimit-remaining-requests"));
            assertEquals("1000", header(third, "x-ratelimit-limit-tokens"));
            // Each earlier request settled at its real usage (15); the current one still holds its estimate.
            long r1 = Long.parseLong(header(seen.get(0), "x-ratelimit-remaining-tokens"));
            long r3 = Long.parseLong(header(third, "x-ratelimit-remaining-tokens"));
            long estimate = 1000 - r1;
            assertTrue(estimate > 0 && estimate < 100, "estimate " + estimate);
            assertEquals(1000 - 2 * 15 - estimate, r3);
            long reset = millis(header(third, "x-ratelimit-reset-requests"));
            assertTrue(reset > 50_000 && reset <= 60_000, header(third, "x-ratelimit-reset-requests"));
            long tokenReset = millis(header(third, "x-ratelimit-reset-tokens"));
            assertTrue(tokenReset > 50_000 && tokenReset <= 60_000, header(third, "x-ratelimit-reset-tokens"));
        }
    }

    @Test
    void enabledProvidersAreSummed() throws Exception {
        try (TestGateway g = gateway("{rpm: 10, tpm: 1000}", "{rpm: 20, tpm: 500}", "{}")) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals("30", header(r.headers(), "x-ratelimit-limit-requests"));
            assertEquals("29", header(r.headers(), "x-ratelimit-remaining-requests"));
            assertEquals("1500", header(r.headers(), "x-ratelimit-limit-tokens"));
        }
    }

    @Test
    void streamedResponseCarriesThemToo() throws Exception {
        main.setDefault(Behaviour.sse("a", "b"));
        try (TestGateway g = gateway("{rpm: 10}", "{}", "{enable: false}")) {
            HttpResponse<String> r = g.post("/v1/chat/completions", STREAM);

            assertEquals(200, r.statusCode());
            assertEquals("9", header(r.headers(), "x-ratelimit-remaining-requests"));
            assertFalse(r.headers().firstValue("x-ratelimit-limit-tokens").isPresent(), "tpm is unlimited");
        }
    }

    @Test
    void denied429_carriesThem_withNothingRemaining() throws Exception {
        try (TestGateway g = gateway("{rpm: 2}", "{}", "{enable: false}")) {
            g.post("/v1/chat/completions", CHAT);
            g.post("/v1/chat/completions", CHAT);

            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(429, r.statusCode(), r.body());
            assertEquals("2", header(r.headers(), "x-ratelimit-limit-requests"));
            assertEquals("0", header(r.headers(), "x-ratelimit-remaining-requests"));
            assertTrue(millis(header(r.headers(), "x-ratelimit-reset-requests")) > 0);
        }
    }

    @Test
    void provider429_relayed_carriesTheGatewaysNumbers_notTheProviders() throws Exception {
        main.setDefault(Behaviour.rateLimited(0).withHeader("x-ratelimit-remaining-requests", "12345"));
        try (TestGateway g = gateway("{rpm: 10}", "{}", "{enable: false}")) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(429, r.statusCode(), r.body());
            assertEquals("10", header(r.headers(), "x-ratelimit-limit-requests"));
            assertEquals("9", header(r.headers(), "x-ratelimit-remaining-requests"));
        }
    }

    @Test
    void everyProviderUnlimited_noHeaders_andTheProvidersOwnAreRemoved() throws Exception {
        main.setDefault(Behaviour.chatCompletion("hi")
                .withHeader("x-ratelimit-remaining-requests", "12345")
                .withHeader("x-ratelimit-limit-tokens", "999")
                .withHeader("anthropic-ratelimit-tokens-remaining", "777")
                .withHeader("anthropic-ratelimit-output-tokens-reset", "2025-01-01T00:00:30Z"));
        try (TestGateway g = gateway("{}", "{}", "{}")) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(200, r.statusCode());
            assertEquals(
                    List.of(),
                    r.headers().map().keySet().stream()
                            .filter(k -> k.startsWith("x-ratelimit") || k.startsWith("anthropic-ratelimit"))
                            .toList());
        }
    }

    @Test
    void auto_sumsTheProvidersOfItsModels() throws Exception {
        try (TestGateway g = gateway("{rpm: 10}", "{rpm: 5}", "{}")) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "auto"));

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("15", header(r.headers(), "x-ratelimit-limit-requests"));
        }
    }

    private static String header(HttpHeaders h, String name) {
        return h.firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " in " + h.map()));
    }

    /** Parses a Go duration as OpenAI writes it (1h2m3.5s, 59.9s, 20ms). */
    static long millis(String d) {
        Matcher m = GO_DURATION.matcher(d);
        if (d.isEmpty() || !m.matches()) {
            throw new AssertionError("not a duration: " + d);
        }
        long ms = 0;
        if (m.group(1) != null) {
            ms += Long.parseLong(m.group(1)) * 3_600_000;
        }
        if (m.group(2) != null) {
            ms += Long.parseLong(m.group(2)) * 60_000;
        }
        if (m.group(3) != null) {
            ms += Math.round(Double.parseDouble(m.group(3)) * 1000);
        }
        if (m.group(4) != null) {
            ms += Long.parseLong(m.group(4));
        }
        return ms;
    }
}
