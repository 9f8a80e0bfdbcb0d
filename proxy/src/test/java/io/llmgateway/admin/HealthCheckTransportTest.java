package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestCa;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 (item 9): health checks travel like proxied requests, through the gateway's own upstream client:
 * the provider's {@code ca_file} is trusted, one deadline covers the whole check, and no more of a body is
 * read than the cap.
 */
class HealthCheckTransportTest {
    @TempDir
    Path dir;

    private MockUpstream provider;
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    private HttpResponse<String> check(String upstream, String providerExtra) throws Exception {
        gateway = TestGateway.start("""
                upstream:
                %s
                api_provider:
                  p:
                    base_url: %s
                %s
                model_config:
                  m:
                    p: {}
                """.formatted(upstream, provider.baseUrl(), providerExtra));
        HttpResponse<String> r = new AdminClient(gateway).post("/api/health-check", "{\"provider\":\"p\"}");
        assertEquals(200, r.statusCode(), r.body());
        return r;
    }

    @Test
    void httpsProvider_withAPrivateCa_isCheckedWithItsCaFile() throws Exception {
        TestCa authority = TestCa.create("provider-ca");
        Path ca = authority.writeCaPem(dir.resolve("ca.pem"));
        provider = MockUpstream.startTls(
                authority.issue(dir, "provider", "127.0.0.1").serverContext());

        HttpResponse<String> r = check("  connect_timeout: 5s", "    ca_file: " + ca);

        assertEquals(true, at(r, "ok"), r.body());
        assertEquals(200L, at(r, "status"));
        assertEquals(1, provider.requests().size());
    }

    @Test
    void httpsProvider_withAPrivateCa_failsWithoutItsCaFile() throws Exception {
        provider = MockUpstream.startTls(
                TestCa.create("provider-ca").issue(dir, "provider", "127.0.0.1").serverContext());

        HttpResponse<String> r = check("  connect_timeout: 5s", "");

        assertEquals(false, at(r, "ok"), r.body());
        assertEquals("connect", at(r, "outcome"));
    }

    @Test
    void providerThatNeverAnswers_endsAtTheDeadline() throws Exception {
        provider = MockUpstream.start();
        provider.setDefault(Behaviour.stall());

        assertTimedOut(check("  response_timeout: 500ms", ""));
    }

    @Test
    void providerThatSendsItsHeadThenDripsTheBody_endsAtTheDeadline() throws Exception {
        provider = MockUpstream.start();
        provider.setDefault(Behaviour.chatCompletion("slow").slowDrip(1, Duration.ofSeconds(1)));

        assertTimedOut(check("  response_timeout: 500ms", ""));
        provider.connectionClosed(1).get(5, TimeUnit.SECONDS);
    }

    private static void assertTimedOut(HttpResponse<String> r) {
        assertEquals(false, at(r, "ok"), r.body());
        assertEquals("timeout", at(r, "outcome"));
        long millis = (Long) at(r, "latency_ms");
        assertTrue(millis >= 500 && millis < 5000, millis + " ms");
    }

    @Test
    void bodyThatNeverEnds_isCutAtTheCap() throws Exception {
        provider = MockUpstream.start();
        provider.setDefault(Behaviour.endlessBody());

        HttpResponse<String> r = check("  response_timeout: 30s", "");

        assertEquals(true, at(r, "ok"), r.body());
        assertEquals(200L, at(r, "status"));
        assertTrue((Long) at(r, "latency_ms") < 5000, r.body());
        provider.connectionClosed(1).get(5, TimeUnit.SECONDS);
    }
}
