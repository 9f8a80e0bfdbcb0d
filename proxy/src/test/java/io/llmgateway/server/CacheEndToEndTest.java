package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.llmgateway.limit.MutableClock;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.spend.SpendStore;
import io.llmgateway.spend.SpendTotals;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The response cache end to end: OpenAI's chat format, real sockets, the official SDK. */
class CacheEndToEndTest {
    static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String ASK_REORDERED =
            "{ \"messages\" : [ { \"content\" : \"hi\", \"role\" : \"user\" } ],\n \"model\" : \"gpt-4o-mini\" }";
    static final String ASK_STREAM =
            "{\"model\":\"gpt-4o-mini\",\"stream\":true," + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String KEY_A = "sk-client-a-0123456789";
    private static final String KEY_B = "sk-client-b-0123456789";
    private static final String KEY_S1 = "sk-client-s1-0123456789";
    private static final String KEY_S2 = "sk-client-s2-0123456789";

    @RegisterExtension
    final MockUpstream upstream = MockUpstream.start();

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");

    TestGateway gateway(String keys) throws Exception {
        return TestGateway.start(keys + """
                cache: {max_size: 1MiB, ttl: 10m}
                api_provider:
                  openai: {base_url: "%s", api_key: sk-provider}
                model_config:
                  gpt-4o-mini:
                    cache: true
                    openai: {price: {input: 1, output: 2}}
                  gpt-4o:
                    openai: {}
                """.formatted(upstream.baseUrl()), clock);
    }

    private static BlockingQueue<RequestRecord> records(TestGateway g) {
        BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
        g.gateway().observers().add(records::add);
        return records;
    }

    private static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("x-gateway-cache").orElse(null);
    }

    @Test
    void repeatedRequest_isAHit_withoutAProviderCall_evenWithOtherMemberOrderAndWhitespace() throws Exception {
        try (TestGateway g = gateway("")) {
            BlockingQueue<RequestRecord> records = records(g);
            HttpResponse<String> first = g.post("/v1/chat/completions", ASK);
            assertEquals(200, first.statusCode());
            assertEquals("miss", cache(first));
            HttpResponse<String> second = g.post("/v1/chat/completions", ASK_REORDERED);
            assertEquals(200, second.statusCode(), second.body());
            assertEquals("hit", cache(second));
            assertEquals(first.body(), second.body());
            assertEquals(1, upstream.requests().size());
            assertEquals("miss", records.poll(5, TimeUnit.SECONDS).cache());
            RequestRecord hit = records.poll(5, TimeUnit.SECONDS);
            assertEquals("hit", hit.cache());
            assertEquals(0, hit.costNanos());
            assertEquals(15, hit.totalTokens());
            // 10 prompt tokens at 1 USD/M and 5 completion tokens at 2 USD/M
            assertEquals(20_000, hit.savedCostNanos());
            assertEquals(1, g.gateway().cache().stats().hits());
            assertEquals(15, g.gateway().cache().stats().savedTokens());
        }
    }

    @Test
    void hit_isChargedZeroToTheKeysBudget_andItsSpendIsRecordedUnderCacheAtNoCost() throws Exception {
        String keys = """
                gateway:
                  api_keys:
                    - {name: a, key: %s, budget: {usd: 1, period: month}}
                """.formatted(KEY_A);
        try (TestGateway g = gateway(keys)) {
            HttpResponse<String> miss = g.post("/v1/chat/completions", ASK, "authorization", "Bearer " + KEY_A);
            assertEquals("miss", cache(miss));
            // The miss's header is what is left after its reservation (4096 output tokens at USD 2 per 1M).
            assertEquals(
                    "0.9918",
                    miss.headers().firstValue("x-gateway-budget-remaining-usd").orElseThrow());
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> hit = g.post("/v1/chat/completions", ASK, "authorization", "Bearer " + KEY_A);
                assertEquals("hit", cache(hit));
                // The miss cost USD 0.00002; each hit reserves and costs nothing.
                assertEquals(
                        "0.99998",
                        hit.headers()
                                .firstValue("x-gateway-budget-remaining-usd")
                                .orElseThrow());
            }
            long day = clock.millis() / 86_400_000L;
            Map<String, SpendTotals> byProvider = g.gateway()
                    .spendLedger()
                    .store()
                    .totals(SpendStore.By.PROVIDER, day - 1, day + 2)
                    .get(5, TimeUnit.SECONDS);
            assertEquals(2, byProvider.get("cache").requests());
            assertEquals(0, byProvider.get("cache").costNanos());
            assertEquals(20_000, byProvider.get("openai").costNanos());
        }
    }

    @Test
    void modelWithoutCache_saysNothing_andAlwaysAsksTheProvider() throws Exception {
        try (TestGateway g = gateway("")) {
            String ask = ASK.replace("gpt-4o-mini", "gpt-4o");
            assertNull(cache(g.post("/v1/chat/completions", ask)));
            assertNull(cache(g.post("/v1/chat/completions", ask)));
            assertEquals(2, upstream.requests().size());
        }
    }

    @Test
    void jsonAnswer_servesAStream_throughTheSdk_withUsageWhenAsked() throws Exception {
        upstream.setDefault(Behaviour.chatCompletion("The answer is 42.", 7, 6));
        try (TestGateway g = gateway("")) {
            assertEquals("miss", cache(g.post("/v1/chat/completions", ASK)));
            OpenAIClient sdk = g.openai();
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini")
                    .addUserMessage("hi")
                    .streamOptions(ChatCompletionStreamOptions.builder()
                            .includeUsage(true)
                            .build())
                    .build();
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            List<ChatCompletionChunk> chunks = new ArrayList<>();
            try (StreamResponse<ChatCompletionChunk> s =
                    sdk.chat().completions().createStreaming(params)) {
                s.stream().forEach(c -> {
                    chunks.add(c);
                    acc.accumulate(c);
                });
            }
            ChatCompletion done = acc.chatCompletion();
            assertEquals(
                    "The answer is 42.",
                    done.choices().get(0).message().content().orElseThrow());
            assertEquals(
                    ChatCompletion.Choice.FinishReason.STOP,
                    done.choices().get(0).finishReason());
            assertEquals(13, done.usage().orElseThrow().totalTokens());
            assertEquals(1, upstream.requests().size());
            // Without include_usage, no usage chunk.
            HttpResponse<String> plain = g.post("/v1/chat/completions", ASK_STREAM);
            assertEquals("hit", cache(plain));
            assertTrue(plain.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
            assertFalse(plain.body().contains("\"usage\""), plain.body());
            assertTrue(plain.body().endsWith("data: [DONE]\n\n"), plain.body());
        }
    }

    @Test
    void streamedAnswer_isStored_andServesJson() throws Exception {
        upstream.setDefault(Behaviour.sse("Hel", "lo ", "there"));
        try (TestGateway g = gateway("")) {
            HttpResponse<String> streamed = g.post("/v1/chat/completions", ASK_STREAM);
            assertEquals("miss", cache(streamed));
            assertFalse(streamed.body().contains("\"usage\":{"), "the client did not ask: " + streamed.body());
            ChatCompletion json = g.openai()
                    .chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model("gpt-4o-mini")
                            .addUserMessage("hi")
                            .build());
            assertEquals(
                    "Hello there", json.choices().get(0).message().content().orElseThrow());
            assertEquals(15, json.usage().orElseThrow().totalTokens());
            assertEquals(1, upstream.requests().size());
        }
    }

    @Test
    void keys_neverSeeEachOthersEntries_unlessBothAreShared() throws Exception {
        String keys = """
                gateway:
                  api_keys:
                    - {name: a, key: %s}
                    - {name: b, key: %s}
                    - {name: s1, key: %s, cache_scope: shared}
                    - {name: s2, key: %s, cache_scope: shared}
                """.formatted(KEY_A, KEY_B, KEY_S1, KEY_S2);
        try (TestGateway g = gateway(keys)) {
            assertEquals("miss", cache(g.post("/v1/chat/completions", ASK, "authorization", "Bearer " + KEY_A)));
            assertEquals("miss", cache(g.post("/v1/chat/completions", ASK, "authorization", "Bearer " + KEY_B)));
            assertEquals("hit", cache(g.post("/v1/chat/completions", ASK, "authorization", "Bearer " + KEY_A)));
            assertEquals("miss", cache(g.post("/v1/chat/completions", ASK, "authorization", "Bearer " + KEY_S1)));
            assertEquals("hit", cache(g.post("/v1/chat/completions", ASK, "authorization", "Bearer " + KEY_S2)));
            assertEquals(3, upstream.requests().size());
        }
    }

    @Test
    void noCache_skipsTheLookupButStores_noStore_storesNothing() throws Exception {
        try (TestGateway g = gateway("")) {
            assertEquals("miss", cache(g.post("/v1/chat/completions", ASK, "cache-control", "no-store")));
            assertEquals("miss", cache(g.post("/v1/chat/completions", ASK, "cache-control", "no-store")));
            assertEquals("bypass", cache(g.post("/v1/chat/completions", ASK, "cache-control", "no-cache")));
            assertEquals("hit", cache(g.post("/v1/chat/completions", ASK)));
            assertEquals(3, upstream.requests().size());
            assertEquals(1, g.gateway().cache().stats().bypasses());
        }
    }

    @Test
    void errors_andSeveralChoices_areNeverStored() throws Exception {
        upstream.enqueue(Behaviour.error(400, "invalid_request_error", "no"));
        try (TestGateway g = gateway("")) {
            HttpResponse<String> error = g.post("/v1/chat/completions", ASK);
            assertEquals(400, error.statusCode());
            assertEquals("miss", cache(error));
            assertEquals("miss", cache(g.post("/v1/chat/completions", ASK)));
            String two = ASK.replace("{\"model\"", "{\"n\":2,\"model\"");
            assertEquals("bypass", cache(g.post("/v1/chat/completions", two)));
            assertEquals("bypass", cache(g.post("/v1/chat/completions", two)));
            assertEquals(4, upstream.requests().size());
        }
    }

    @Test
    void streamBrokenMidWay_isNeverStored() throws Exception {
        upstream.enqueue(Behaviour.sse("a", "b", "c", "d").resetAfter(2));
        try (TestGateway g = gateway("")) {
            try {
                g.post("/v1/chat/completions", ASK_STREAM);
            } catch (java.io.IOException expected) {
                // the client may see the cut as an error
            }
            assertEquals("miss", cache(g.post("/v1/chat/completions", ASK_STREAM)));
            assertEquals(2, upstream.requests().size());
            assertEquals(1, g.gateway().cache().entries());
        }
    }

    @Test
    void entry_expiresAfterItsTtl_onTheGatewaysClock() throws Exception {
        try (TestGateway g = gateway("")) {
            assertEquals("miss", cache(g.post("/v1/chat/completions", ASK)));
            clock.advance(Duration.ofMinutes(9));
            assertEquals("hit", cache(g.post("/v1/chat/completions", ASK)));
            clock.advance(Duration.ofMinutes(2));
            assertEquals("miss", cache(g.post("/v1/chat/completions", ASK)));
            assertEquals(2, upstream.requests().size());
        }
    }

    @Test
    void concurrentIdenticalMisses_areAllAnswered_andOneEntryStays() throws Exception {
        upstream.setDefault(Behaviour.chatCompletion("slow").withDelay(Duration.ofMillis(200)));
        try (TestGateway g = gateway("")) {
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return g.post("/v1/chat/completions", ASK);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (var f : all) {
                HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertTrue(r.body().contains("slow"));
            }
            assertEquals(1, g.gateway().cache().entries());
            assertEquals("hit", cache(g.post("/v1/chat/completions", ASK)));
        }
    }
}
