package io.llmgateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.CacheSettings;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.limit.MutableClock;
import io.llmgateway.protocol.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {
    private static final String CHAT = "/chat/completions";
    private static final Usage USAGE = new Usage(10, 5, 15, false);
    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static CacheKey key(String scope, String body) {
        ByteBuf b = buf(body);
        try {
            return RequestDigest.of(CHAT, scope, "m", b);
        } finally {
            b.release();
        }
    }

    private static String answer(String content) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,"
                + "\"total_tokens\":15}}";
    }

    private static Lookup lookup(ResponseCache cache, String body, Duration ttl) {
        ByteBuf b = buf(body);
        try {
            return cache.lookup(CHAT, "open", "m", b, ttl, null);
        } finally {
            b.release();
        }
    }

    /** Looks {@code body} up, and on a miss stores {@code answer} as its JSON answer. */
    private static Lookup store(ResponseCache cache, String body, String answer, Duration ttl) {
        Lookup l = lookup(cache, body, ttl);
        if (l.hit() == null) {
            l.begin();
            ByteBuf a = buf(answer);
            l.add(a);
            a.release();
            l.finish(false, USAGE, "p", "m");
        }
        return l;
    }

    @Test
    void digest_ignoresMemberOrderWhitespaceEscapesAndStreamFlags() {
        CacheKey plain = key("open", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(
                plain,
                key(
                        "open",
                        "{ \"messages\": [ {\"content\":\"h\\u0069\", \"role\":\"user\"} ],\n\t\"model\":\"m\","
                                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}"));
        assertNotEquals(plain, key("open", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi!\"}]}"));
        assertNotEquals(plain, key("key:a", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        // Array order is meaning: not normalized.
        assertNotEquals(key("open", "{\"stop\":[\"a\",\"b\"]}"), key("open", "{\"stop\":[\"b\",\"a\"]}"));
        // A string and a number of the same text differ.
        assertNotEquals(key("open", "{\"seed\":1}"), key("open", "{\"seed\":\"1\"}"));
    }

    @Test
    void digest_isTheSha256OfTheCanonicalForm_longValuesIncluded() throws Exception {
        String content = "x".repeat(5000);
        ByteArrayOutputStream canonical = new ByteArrayOutputStream();
        for (String s : List.of(CHAT, "open", "m")) {
            tagged(canonical, 's', s);
        }
        canonical.write('{');
        tagged(canonical, 'k', "messages");
        canonical.write('[');
        canonical.write('{');
        tagged(canonical, 'k', "content");
        tagged(canonical, 's', content);
        tagged(canonical, 'k', "role");
        tagged(canonical, 's', "user");
        canonical.write('}');
        canonical.write(']');
        tagged(canonical, 'k', "model");
        tagged(canonical, 's', "m");
        canonical.write('}');

        CacheKey expected = new CacheKey(MessageDigest.getInstance("SHA-256").digest(canonical.toByteArray()));
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
        assertEquals(expected, key("open", body));
        assertNotEquals(expected, key("open", body.replace("x\"}", "y\"}")));
    }

    /** A tag, the length in four bytes, then the UTF-8 bytes. */
    private static void tagged(ByteArrayOutputStream out, char tag, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(tag);
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    @Test
    void digest_refusesSeveralChoicesAndBodiesThatAreNotObjects() {
        assertNull(key("open", "{\"n\":2,\"model\":\"m\"}"));
        assertNotNull(key("open", "{\"n\":1,\"model\":\"m\"}"));
        assertNull(key("open", "[1]"));
        assertNull(key("open", "{\"model\":"));
    }

    @Test
    void lookup_hitsAfterAStore_andTheEntryExpiresWithTheClock() {
        ResponseCache cache = new ResponseCache(CacheSettings.DEFAULT, clock);
        String body = "{\"model\":\"m\"}";
        assertEquals(
                ResponseCache.Outcome.MISS,
                store(cache, body, answer("x"), Duration.ofMinutes(5)).outcome());
        clock.advance(Duration.ofMinutes(4));
        Lookup hit = lookup(cache, body, Duration.ofMinutes(5));
        assertEquals(ResponseCache.Outcome.HIT, hit.outcome());
        ByteBuf json = hit.hit().body(UnpooledByteBufAllocator.DEFAULT, false, false);
        assertEquals(answer("x"), json.toString(StandardCharsets.UTF_8));
        json.release();
        clock.advance(Duration.ofMinutes(2));
        assertEquals(
                ResponseCache.Outcome.MISS,
                lookup(cache, body, Duration.ofMinutes(5)).outcome());
    }

    @Test
    void store_aFloodOfDistinctLargeAnswers_neverPassesMaxSize() {
        long max = 256 * 1024;
        ResponseCache cache = new ResponseCache(new CacheSettings(max, Duration.ofMinutes(10)), clock);
        String big = "x".repeat(20_000);
        for (int i = 0; i < 500; i++) {
            store(cache, "{\"model\":\"m\",\"i\":" + i + "}", answer(big), Duration.ofMinutes(10));
            assertTrue(cache.bytes() <= max, "after " + i + ": " + cache.bytes());
        }
        assertTrue(cache.entries() > 0);
        assertTrue(cache.entries() < 500);
        assertEquals(500, cache.stats().stores());
    }

    @Test
    void store_anAnswerBiggerThanTheBound_isNotKept() {
        ResponseCache cache = new ResponseCache(new CacheSettings(10_000, Duration.ofMinutes(10)), clock);
        store(cache, "{\"model\":\"m\"}", answer("y".repeat(20_000)), Duration.ofMinutes(10));
        assertEquals(0, cache.entries());
    }

    @Test
    void finish_withEstimatedUsage_orAfterAnAbandon_storesNothing() {
        ResponseCache cache = new ResponseCache(CacheSettings.DEFAULT, clock);
        Lookup l = lookup(cache, "{\"model\":\"m\"}", Duration.ofMinutes(1));
        l.begin();
        ByteBuf a = buf(answer("z"));
        l.add(a);
        l.finish(false, new Usage(10, 5, 15, true), "p", "m");
        l.begin();
        l.add(a);
        l.abandon();
        l.finish(false, USAGE, "p", "m");
        a.release();
        assertEquals(0, cache.entries());
    }

    private static GatewayConfig config(String cache, String modelCache) throws Exception {
        return ConfigLoader.parse(cache + """
                api_provider:
                  a: {base_url: "https://a.example.com/v1", api_key: key-a}
                model_config:
                  m: {%s a: {}}
                """.formatted(modelCache), Map.of());
    }

    @Test
    void configure_keepsEntries_appliesANewBoundAtOnce_dropsModelsNoLongerCached() throws Exception {
        ResponseCache cache = new ResponseCache(CacheSettings.DEFAULT, clock);
        for (int i = 0; i < 20; i++) {
            store(cache, "{\"model\":\"m\",\"i\":" + i + "}", answer("x".repeat(1000)), Duration.ofMinutes(5));
        }
        cache.configure(config("cache: {ttl: 1h}\n", "cache: true,"));
        assertEquals(20, cache.entries(), "a reload keeps the entries");
        cache.configure(config("cache: {max_size: 8KiB}\n", "cache: true,"));
        assertTrue(cache.bytes() <= 8 * 1024, "the new bound applies at once: " + cache.bytes());
        assertTrue(cache.entries() > 0);
        cache.configure(config("", ""));
        assertEquals(0, cache.entries(), "the model's caching was turned off");
    }

    @Test
    void cacheControl_noCacheBypasses_noStoreDoesNotStore() {
        ResponseCache cache = new ResponseCache(CacheSettings.DEFAULT, clock);
        ByteBuf b = buf("{\"model\":\"m\"}");
        Lookup noStore = cache.lookup(CHAT, "open", "m", b, Duration.ofMinutes(1), "No-Store");
        assertEquals(ResponseCache.Outcome.MISS, noStore.outcome());
        noStore.begin();
        ByteBuf a = buf(answer("z"));
        noStore.add(a);
        noStore.finish(false, USAGE, "p", "m");
        assertEquals(0, cache.entries());
        Lookup noCache = cache.lookup(CHAT, "open", "m", b, Duration.ofMinutes(1), "max-age=0, no-cache");
        assertEquals(ResponseCache.Outcome.BYPASS, noCache.outcome());
        noCache.begin();
        noCache.add(a);
        noCache.finish(false, USAGE, "p", "m");
        assertEquals(1, cache.entries(), "no-cache refreshes the entry");
        assertEquals(
                ResponseCache.Outcome.BYPASS,
                cache.lookup("/embeddings", "open", "m", b, Duration.ofMinutes(1), null)
                        .outcome());
        a.release();
        b.release();
    }
}
