package io.llmgateway.anthropic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.testing.AnthropicAnswer;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicTapsTest {
    private static final TokenEstimator ESTIMATOR = new TokenEstimator(Runnable::run);
    private static final AnthropicAnswer ANSWER = AnthropicAnswer.text("Hello", " there")
            .withThinking("sig-1", "Think", "ing")
            .withToolUse("toolu_1", "get_weather", "{\"city\":", "\"Paris\"}")
            .withUsage(25, 40)
            .withCache(100, 2000);

    /** Feeds {@code bytes} to {@code tap} in pieces of {@code step} bytes; returns what came out. */
    private static String feed(AnswerTap tap, byte[] bytes, int step) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < bytes.length; i += step) {
            ByteBuf chunk = Unpooled.copiedBuffer(bytes, i, Math.min(step, bytes.length - i));
            ByteBuf passed = tap.onChunk(chunk);
            assertSame(chunk, passed, "the answer passes through unchanged");
            out.append(passed.toString(UTF_8));
            passed.release();
        }
        ByteBuf end = tap.onEnd();
        out.append(end.toString(UTF_8));
        end.release();
        return out.toString();
    }

    @Test
    void jsonTap_readsUsageWithCacheTokens_atAnySplit() {
        byte[] body = ANSWER.message("claude", 1).getBytes(UTF_8);
        for (int step : new int[] {1, 7, body.length}) {
            AnthropicJsonTap tap = new AnthropicJsonTap();
            assertEquals(new String(body, UTF_8), feed(tap, body, step));
            // prompt = input + cache writes + cache reads; the total leaves cache reads out
            assertEquals(new Usage(2125, 40, 165, false, 100, 2000), tap.usage(), "step " + step);
            tap.release();
        }
    }

    @Test
    void sseTap_readsMessageStartAndDeltaUsage_atAnySplit() {
        byte[] stream = String.join("", ANSWER.events("claude", 1)).getBytes(UTF_8);
        for (int step : new int[] {1, 13, stream.length}) {
            AnthropicSseTap tap = new AnthropicSseTap(ESTIMATOR, "cl100k_base");
            assertEquals(new String(stream, UTF_8), feed(tap, stream, step));
            assertEquals(new Usage(2125, 40, 165, false, 100, 2000), tap.usage(), "step " + step);
            tap.release();
        }
    }

    @Test
    void sseTap_streamCutBeforeMessageDelta_keepsInputTokensAndEstimatesOutput() {
        List<String> events = ANSWER.events("claude", 1);
        String cut = String.join("", events.subList(0, events.size() - 2)); // no message_delta, no message_stop
        AnthropicSseTap tap = new AnthropicSseTap(ESTIMATOR, "cl100k_base");
        tap.captureText(1000);
        feed(tap, cut.getBytes(UTF_8), 50);
        Usage u = tap.usage();
        assertTrue(u.estimated());
        assertEquals(2125, u.promptTokens());
        long expected = ESTIMATOR.countText("Hello", "cl100k_base")
                + ESTIMATOR.countText(" there", "cl100k_base")
                + ESTIMATOR.countText("Think", "cl100k_base")
                + ESTIMATOR.countText("ing", "cl100k_base")
                + ESTIMATOR.countText("{\"city\":", "cl100k_base")
                + ESTIMATOR.countText("\"Paris\"}", "cl100k_base");
        assertEquals(expected, u.completionTokens());
        assertEquals(expected, tap.completionTokensEstimate());
        assertEquals("Hello thereThinking{\"city\":\"Paris\"}", tap.capturedText());
        tap.release();
    }

    @Test
    void sseTap_withoutAnyUsage_reportsNone() {
        AnthropicSseTap tap = new AnthropicSseTap(ESTIMATOR, null);
        feed(tap, "event: ping\ndata: {\"type\":\"ping\"}\n\n".getBytes(UTF_8), 5);
        assertNull(tap.usage());
        assertEquals(0, tap.completionTokensEstimate());
        tap.release();
    }
}
