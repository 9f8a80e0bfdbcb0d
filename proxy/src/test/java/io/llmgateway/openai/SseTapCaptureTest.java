package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Issue 7: the assembled text of a stream, for the interaction log with bodies switched on. */
class SseTapCaptureTest {
    private static final ExecutorService POOL = TokenEstimator.newExecutor(1, 16);
    private static final TokenEstimator ESTIMATOR = new TokenEstimator(POOL);

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    private static String stream(String... deltas) {
        StringBuilder b = new StringBuilder();
        for (String d : deltas) {
            b.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                    .append(d)
                    .append("\"}}]}\n\n");
        }
        return b.append("data: [DONE]\n\n").toString();
    }

    private static String feed(SseTap tap, String sse) {
        ByteBuf out = tap.onChunk(Unpooled.copiedBuffer(sse, UTF_8));
        out.release();
        tap.onEnd().release();
        String text = tap.capturedText();
        tap.release();
        return text;
    }

    @Test
    void capturedText_isNullWhenNotAskedFor() {
        assertNull(feed(new SseTap(false, ESTIMATOR, null), stream("a")));
    }

    @Test
    void capturedText_assemblesTheDeltas() {
        SseTap tap = new SseTap(false, ESTIMATOR, null);
        tap.captureText(100);

        assertEquals("Hello world", feed(tap, stream("Hel", "lo ", "world")));
    }

    @Test
    void capturedText_isCutAtTheCap_andMarkedOnlyWhenCut() {
        SseTap cut = new SseTap(false, ESTIMATOR, null);
        cut.captureText(4);
        SseTap exact = new SseTap(false, ESTIMATOR, null);
        exact.captureText(5);

        assertEquals("Hell...[truncated]", feed(cut, stream("Hel", "lo")));
        assertEquals("Hello", feed(exact, stream("Hel", "lo")));
    }
}
