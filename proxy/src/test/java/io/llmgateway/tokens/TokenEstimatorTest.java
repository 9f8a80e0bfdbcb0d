package io.llmgateway.tokens;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.openai.RequestInfo;
import io.llmgateway.openai.RequestScanner;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.server.Gateway;
import io.llmgateway.util.JsonStrings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final Encoding O200K = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    private static final Encoding CL100K = REGISTRY.getEncoding(EncodingType.CL100K_BASE);
    // Text whose token counts differ between the two encodings.
    private static final String TEXT =
            "Tokenization differs: \u4f60\u597d\u4e16\u754c, \u043f\u0440\u0438\u0432\u0435\u0442 "
                    + "mundo!!! \uD83D\uDE00 indentation\n\t\t    return x;";
    private static final ExecutorService POOL = TokenEstimator.newExecutor(1, 4);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    /** {@code s} escaped for inside a JSON string. */
    private static String escape(String s) {
        String quoted = JsonStrings.quote(s);
        return quoted.substring(1, quoted.length() - 1);
    }

    private static RequestInfo scan(String json) throws BadRequestException {
        ByteBuf buf = Unpooled.copiedBuffer(json, UTF_8);
        try {
            return RequestScanner.scan(buf);
        } finally {
            buf.release();
        }
    }

    private static String chat(String model, String... contents) {
        StringBuilder sb = new StringBuilder("{\"model\":\"" + model + "\",\"messages\":[");
        for (int i = 0; i < contents.length; i++) {
            sb.append(i == 0 ? "" : ",")
                    .append("{\"role\":\"user\",\"content\":\"")
                    .append(escape(contents[i]))
                    .append("\"}");
        }
        return sb.append("]}").toString();
    }

    private static long now(TokenEstimator e, RequestInfo info, String encoding, String model) {
        CompletableFuture<Long> f = e.estimate(info, encoding, model).toCompletableFuture();
        assertTrue(f.isDone(), "small requests are estimated inline");
        return f.join();
    }

    @Test
    void gateway_loadsTheRareEncodingsItsConfigNames_beforeAnyRequest() throws Exception {
        assertFalse(TokenEstimator.isLoaded("p50k_edit"), "no other test loads it");
        GatewayConfig config = ConfigLoader.parse("""
                api_provider:
                  a: {base_url: "http://127.0.0.1:9/v1"}
                model_config:
                  legacy-edit:
                    encoding: p50k_edit
                    a: {}
                """, Map.of());
        DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1); // not used: no thread starts
        Gateway gateway = new Gateway(config, Clock.systemUTC(), loops);
        try {
            assertTrue(
                    TokenEstimator.isLoaded("p50k_edit"), "loaded when the config was applied, not on an event loop");
        } finally {
            gateway.close();
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
        TokenEstimator.preload("no-such-encoding"); // left to the fallback, no error
        assertFalse(TokenEstimator.isLoaded("no-such-encoding"));
    }

    @Test
    void encodingFor_modelFamilies() {
        for (String m : List.of(
                "gpt-4o",
                "gpt-4o-mini",
                "GPT-4.1-nano",
                "gpt-4.5-preview",
                "o1",
                "o3-mini",
                "o4-mini",
                "gpt-5",
                "openai/gpt-4o",
                "ft:gpt-4o-2024-08-06:org::id")) {
            assertEquals("o200k_base", TokenEstimator.encodingFor(null, m), m);
        }
        for (String m : List.of("gpt-4", "gpt-4-turbo", "gpt-3.5-turbo", "claude-3", "deepseek-chat")) {
            assertEquals("cl100k_base", TokenEstimator.encodingFor(null, m), m);
        }
        assertEquals("cl100k_base", TokenEstimator.encodingFor(null, null));
        assertEquals("p50k_base", TokenEstimator.encodingFor("p50k_base", "gpt-4o"), "configured encoding wins");
        assertEquals("o200k_base", TokenEstimator.encodingFor("no-such-encoding", "gpt-4o"));
        assertTrue(TokenEstimator.isKnownEncoding("r50k_base"));
        assertFalse(TokenEstimator.isKnownEncoding("nope"));
    }

    @Test
    void estimate_usesModelEncodingPlusOverheads() throws Exception {
        TokenEstimator e = new TokenEstimator(POOL);
        RequestInfo info = scan(chat("gpt-4o", TEXT, "second").replace("]}", "],\"max_tokens\":17}"));
        long framing = 2L * TokenEstimator.TOKENS_PER_MESSAGE + TokenEstimator.REPLY_PRIMING_TOKENS + 17;
        long o200k = O200K.countTokensOrdinary(TEXT) + O200K.countTokensOrdinary("second") + framing;
        long cl100k = CL100K.countTokensOrdinary(TEXT) + CL100K.countTokensOrdinary("second") + framing;
        assertNotEquals(o200k, cl100k, "the test text must tell the encodings apart");
        assertEquals(o200k, now(e, info, null, "gpt-4o"));
        assertEquals(cl100k, now(e, info, null, "gpt-4-turbo"));
        assertEquals(cl100k, now(e, info, "cl100k_base", "gpt-4o"));
    }

    @Test
    void estimate_imagesCostAFixedAmountNotTheirBytes() throws Exception {
        TokenEstimator e = new TokenEstimator(POOL);
        String part = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + "QUJD".repeat(20_000)
                + "\"}}";
        RequestInfo info = scan(
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":[" + part + "," + part + "]}]}");
        long expected = 2L * TokenEstimator.TOKENS_PER_IMAGE
                + TokenEstimator.TOKENS_PER_MESSAGE
                + TokenEstimator.REPLY_PRIMING_TOKENS;
        assertEquals(expected, now(e, info, null, "gpt-4o"));
    }

    @Test
    void estimate_embeddingsHaveNoMessageFraming() throws Exception {
        TokenEstimator e = new TokenEstimator(POOL);
        RequestInfo info = scan("{\"model\":\"text-embedding-3-small\",\"input\":[\"" + escape(TEXT) + "\",[1,2,3]]}");
        assertEquals(CL100K.countTokensOrdinary(TEXT) + 3, now(e, info, null, info.model()));
    }

    @Test
    void estimate_repeatedSystemPromptIsCachedWithSameCount() throws Exception {
        TokenEstimator e = new TokenEstimator(POOL);
        String system = ("You are a careful assistant. Follow the policy. " + TEXT + " ").repeat(40);
        RequestInfo first = scan(chat("gpt-4o", system, "question one"));
        RequestInfo second = scan(chat("gpt-4o", system, "question two"));
        assertNotSame(first.texts().get(0), second.texts().get(0));
        assertFalse(e.isCached(system, "o200k_base"));
        long a = now(e, first, null, "gpt-4o");
        assertTrue(e.isCached(system, "o200k_base"));
        assertFalse(e.isCached(system, "cl100k_base"), "cache entries are per encoding");
        assertFalse(e.isCached("question one", "o200k_base"), "short strings are not cached");
        long b = now(e, second, null, "gpt-4o");
        long expectedDiff = O200K.countTokensOrdinary("question one") - O200K.countTokensOrdinary("question two");
        assertEquals(expectedDiff, a - b);
        assertEquals(
                O200K.countTokensOrdinary(system)
                        + O200K.countTokensOrdinary("question two")
                        + 2L * TokenEstimator.TOKENS_PER_MESSAGE
                        + TokenEstimator.REPLY_PRIMING_TOKENS,
                b);
    }

    @Test
    void estimate_largePromptRunsOffTheCallerThread() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        TokenEstimator e = new TokenEstimator(queued::add, 1024, 1000);
        String big = "word ".repeat(400); // 2000 chars of uncached text > 1000
        RequestInfo info = scan(chat("gpt-4o", big));
        CompletableFuture<Long> f = e.estimate(info, null, "gpt-4o").toCompletableFuture();
        assertFalse(f.isDone(), "not computed on the caller");
        assertEquals(1, queued.size());
        AtomicReference<Thread> ran = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            ran.set(Thread.currentThread());
            queued.get(0).run();
        });
        worker.start();
        long tokens = f.get(10, TimeUnit.SECONDS);
        worker.join();
        assertNotSame(Thread.currentThread(), ran.get());
        assertEquals(
                O200K.countTokensOrdinary(big)
                        + TokenEstimator.TOKENS_PER_MESSAGE
                        + TokenEstimator.REPLY_PRIMING_TOKENS,
                tokens);
    }

    @Test
    void estimate_largePromptOnRealExecutor_sameCountAsInline() throws Exception {
        TokenEstimator offloading = new TokenEstimator(POOL, 0, 100);
        RequestInfo info = scan(chat("gpt-4o", "lorem ipsum ".repeat(100)));
        long tokens =
                offloading.estimate(info, null, "gpt-4o").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(now(new TokenEstimator(POOL), info, null, "gpt-4o"), tokens);
    }

    @Test
    void estimate_saturatedExecutor_fallsBackToApproximation() throws Exception {
        Executor rejecting = r -> {
            throw new RejectedExecutionException("full");
        };
        TokenEstimator e = new TokenEstimator(rejecting, 0, 10);
        String text = "abcdefghij".repeat(30);
        RequestInfo info = scan(chat("gpt-4o", text));
        CompletableFuture<Long> f = e.estimate(info, null, "gpt-4o").toCompletableFuture();
        assertTrue(f.isDone());
        assertEquals(
                (text.length() + 2) / 3 + TokenEstimator.TOKENS_PER_MESSAGE + TokenEstimator.REPLY_PRIMING_TOKENS,
                f.join());
    }

    @Test
    void countText_specialTokensAreOrdinaryText() {
        TokenEstimator e = new TokenEstimator(POOL);
        String s = "end <|endoftext|> of text";
        assertEquals(CL100K.countTokensOrdinary(s), e.countText(s, null));
        assertEquals(O200K.countTokensOrdinary(s), e.countText(s, "o200k_base"));
        assertEquals(0, e.countText("", "o200k_base"));
    }

    @Test
    void constructor_badArguments() {
        assertThrows(NullPointerException.class, () -> new TokenEstimator(null));
        IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> new TokenEstimator(POOL, -1, 5));
        assertEquals("cacheMaxChars: -1 (expected: >= 0)", ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenEstimator.newExecutor(0, 1));
    }
}
