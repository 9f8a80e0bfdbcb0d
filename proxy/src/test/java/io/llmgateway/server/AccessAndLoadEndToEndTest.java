package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 8: client keys, load shedding and graceful shutdown, end to end. */
class AccessAndLoadEndToEndTest {
    @RegisterExtension
    final MockUpstream upstream = MockUpstream.start();

    private TestGateway withKeys() throws Exception {
        return TestGateway.start(
                """
                gateway:
                  api_keys:
                    - ${PLAIN_KEY}
                    - name: team-a
                      key: ${TEAM_A_KEY}
                      limits: {rpm: 2}
                      models: [gpt-4o-mini]
                    - ${UNSET_KEY:-}
                api_provider:
                  p:
                    base_url: %s
                    api_key: provider-secret
                model_config:
                  gpt-4o:
                    p: {}
                  gpt-4o-mini:
                    p: {}
                """.formatted(upstream.baseUrl()),
                Map.of("PLAIN_KEY", "sk-plain-0123456789", "TEAM_A_KEY", "sk-team-a-0123456789"));
    }

    @Test
    void clientKeys_missingOrWrongKeyIs401_rightKeyPasses() throws Exception {
        try (TestGateway g = withKeys()) {
            HttpResponse<String> none = g.post("/v1/chat/completions", CHAT);
            HttpResponse<String> wrong = g.post("/v1/chat/completions", CHAT, "authorization", "Bearer sk-nope");
            HttpResponse<String> right =
                    g.post("/v1/chat/completions", CHAT, "authorization", "Bearer sk-plain-0123456789");
            HttpResponse<String> viaHeader = g.post("/v1/chat/completions", CHAT, "x-api-key", "sk-plain-0123456789");
            HttpResponse<String> models = g.get("/v1/models");

            assertEquals(401, none.statusCode());
            assertTrue(none.body().contains("\"code\":\"invalid_api_key\""), none.body());
            assertEquals(401, wrong.statusCode());
            assertFalse(wrong.body().contains("sk-nope"), "the presented key is not echoed");
            assertEquals(200, right.statusCode());
            assertEquals(200, viaHeader.statusCode());
            assertEquals(401, models.statusCode(), "listing models needs a key too");
            assertEquals(2, upstream.requests().size());
            assertEquals("Bearer provider-secret", upstream.requests().get(0).header("authorization"));
            assertEquals(200, g.get("/healthz").statusCode(), "liveness stays open for load balancers");
        }
    }

    @Test
    void clientKeys_sdkWithWrongKeyGetsUnauthorized() throws Exception {
        try (TestGateway g = withKeys()) {
            var client = OpenAIOkHttpClient.builder()
                    .baseUrl(g.url("/v1"))
                    .apiKey("sk-wrong")
                    .maxRetries(0)
                    .build();

            assertThrows(
                    UnauthorizedException.class,
                    () -> client.chat()
                            .completions()
                            .create(ChatCompletionCreateParams.builder()
                                    .model("gpt-4o")
                                    .addUserMessage("x")
                                    .build()));
        }
    }

    @Test
    void clientKey_ownRpmAndModelList_areEnforced_andRecordsNameTheKey() throws Exception {
        try (TestGateway g = withKeys()) {
            BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
            g.gateway().observers().add(records::add);
            String mini = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";
            String auth = "Bearer sk-team-a-0123456789";

            HttpResponse<String> forbidden = g.post("/v1/chat/completions", CHAT, "authorization", auth);
            HttpResponse<String> first = g.post("/v1/chat/completions", mini, "authorization", auth);
            HttpResponse<String> second = g.post("/v1/chat/completions", mini, "authorization", auth);
            HttpResponse<String> third = g.post("/v1/chat/completions", mini, "authorization", auth);

            assertEquals(403, forbidden.statusCode(), forbidden.body());
            assertEquals(200, first.statusCode());
            assertEquals(200, second.statusCode());
            assertEquals(429, third.statusCode(), third.body());
            assertTrue(third.body().contains("team-a"), third.body());
            assertTrue(third.headers().firstValue("retry-after").isPresent());
            List<String> keyIds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                keyIds.add(records.poll(5, TimeUnit.SECONDS).clientKeyId());
            }
            assertEquals(List.of("team-a", "team-a", "team-a", "team-a"), keyIds);
        }
    }

    @Test
    void maxInFlight_shedsTheExcessAtOnceWith503() throws Exception {
        upstream.setDefault(Behaviour.chatCompletion("slow").withDelay(Duration.ofMillis(800)));
        try (TestGateway g = TestGateway.start("""
                server:
                  max_in_flight: 2
                api_provider:
                  p:
                    base_url: %s
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(upstream.baseUrl()))) {
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                slow.add(CompletableFuture.supplyAsync(() -> post(g)));
            }
            Await.until("both slow requests in flight", () -> g.gateway().inFlight() == 2);
            long t0 = System.nanoTime();
            HttpResponse<String> shed = g.post("/v1/chat/completions", CHAT);
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertEquals(503, shed.statusCode(), shed.body());
            assertEquals("1", shed.headers().firstValue("retry-after").orElseThrow());
            assertTrue(millis < 300, "shedding must be immediate, took " + millis + " ms");
            for (CompletableFuture<HttpResponse<String>> f : slow) {
                assertEquals(200, f.get().statusCode());
            }
        }
    }

    @Test
    void fullConnectionPool_shedsWaitersBeyondTheQueueBound() throws Exception {
        upstream.setDefault(Behaviour.chatCompletion("slow").withDelay(Duration.ofMillis(800)));
        try (TestGateway g = TestGateway.start("""
                server:
                  io_threads: 1
                upstream:
                  max_connections_per_loop: 1
                  max_pending_acquires: 1
                api_provider:
                  p:
                    base_url: %s
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(upstream.baseUrl()))) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(CompletableFuture.supplyAsync(() -> post(g)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> f : all) {
                statuses.add(f.get().statusCode());
            }

            assertTrue(statuses.contains(503), statuses.toString());
            assertTrue(statuses.contains(200), statuses.toString());
        }
    }

    @Test
    void manySlowUploads_areCappedByTheBodyBudget_andTheBudgetIsGivenBack() throws Exception {
        try (TestGateway g = TestGateway.start("""
                server:
                  max_buffered_body_size: 1MiB
                api_provider:
                  p:
                    base_url: %s
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(upstream.baseUrl()))) {
            List<RawHttp> uploads = new ArrayList<>();
            int shed = 0;
            try {
                for (int i = 0; i < 20; i++) {
                    RawHttp c = RawHttp.connect(g.port());
                    uploads.add(c);
                    // Half of a 200 KB body: the rest never comes, the gateway must hold what it got.
                    c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 200000\r\n\r\n" + "x".repeat(100_000));
                }
                for (RawHttp c : uploads) {
                    if (c.readUntilClose(200).startsWith("HTTP/1.1 503")) {
                        shed++;
                    }
                }
            } finally {
                for (RawHttp c : uploads) {
                    c.close();
                }
            }
            assertTrue(shed >= 8, "only " + shed + " of 20 slow uploads were shed with a 1 MiB budget");
            Await.until(
                    "the body budget given back after the clients left",
                    () -> g.gateway().bodyBudget().used() == 0);
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
        }
    }

    @Test
    void gracefulShutdown_letsARunningStreamFinish_andRefusesNewConnections() throws Exception {
        upstream.enqueue(Behaviour.sse(List.of("one ", "two ", "three ", "four ", "five"))
                .paced(Duration.ofMillis(150)));
        TestGateway g = TestGateway.start("""
                api_provider:
                  p:
                    base_url: %s
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(upstream.baseUrl()));
        try {
            CompletableFuture<HttpResponse<String>> stream = CompletableFuture.supplyAsync(() -> {
                try {
                    return g.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Await.until("the stream is running", () -> g.gateway().inFlight() == 1);

            int left = g.server().shutdownGracefully(Duration.ofSeconds(5));
            HttpResponse<String> r = stream.get();

            assertEquals(0, left);
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("five") && r.body().contains("[DONE]"), r.body());
            assertFalse(g.server().isListening(), "the listener must be closed first");
        } finally {
            g.close();
        }
    }

    private static HttpResponse<String> post(TestGateway g) {
        try {
            return g.post("/v1/chat/completions", CHAT);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
