package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.Usage;
import io.llmgateway.tokens.TokenEstimator;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class StreamEventReaderTest {
    private static final ExecutorService POOL = TokenEstimator.newExecutor(1, 1);
    private static final TokenEstimator ESTIMATOR = new TokenEstimator(POOL);
    private static final String ENC = "o200k_base";

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    private static boolean read(StreamEventReader r, String json) {
        return read(r, json, "");
    }

    /** Reads {@code json} from the middle of a larger array, as the deferred records hold it. */
    private static boolean read(StreamEventReader r, String json, String eventName) {
        byte[] data = ("##" + json + "##").getBytes(UTF_8);
        byte[] name = ("@" + eventName).getBytes(UTF_8);
        return r.read(data, 2, data.length - 4, name, 1, name.length - 1);
    }

    private static long tokens(String text) {
        return ESTIMATOR.countText(text, ENC);
    }

    @Test
    void read_usageOnlyChunk_onlyWithEmptyChoicesAndCounters() {
        StreamEventReader r = new StreamEventReader(ESTIMATOR, ENC);
        assertTrue(read(
                r, "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}"));
        assertEquals(new Usage(9, 3, 12, false), r.usage());
        assertFalse(
                read(r, "{\"choices\":[{\"delta\":{}}],\"usage\":{\"prompt_tokens\":1,\"total_tokens\":2}}"),
                "usage alongside a choice");
        assertEquals(new Usage(1, 0, 2, false), r.usage(), "the last usage seen");
        assertFalse(read(r, "{\"choices\":[],\"usage\":{}}"), "no counters");
        assertFalse(read(r, "{\"choices\":[],\"usage\":null}"));
        assertFalse(read(r, "{\"usage\":{\"total_tokens\":5}}"), "no choices at all");
        assertEquals(new Usage(0, 0, 5, false), r.usage());
    }

    @Test
    void read_responsesApiUsage() {
        StreamEventReader r = new StreamEventReader(ESTIMATOR, ENC);
        assertFalse(read(
                r,
                "{\"type\":\"response.completed\",\"response\":{\"output\":[],\"usage\":{\"input_tokens\":11,"
                        + "\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":4,\"total_tokens\":15}}}"));
        assertEquals(new Usage(11, 4, 15, false), r.usage());
    }

    @Test
    void read_countsTheDeltasOfEveryKind() {
        StreamEventReader r = new StreamEventReader(ESTIMATOR, ENC);
        read(
                r,
                "{\"choices\":[{\"delta\":{\"content\":\"Hello\",\"reasoning_content\":\" think\",\"refusal\":\" no\"}}]}");
        read(
                r,
                "{\"choices\":[{\"delta\":{\"reasoning\":\" why\",\"tool_calls\":[{\"function\":{\"name\":\"f\","
                        + "\"arguments\":\"{}\"}}]}}]}");
        read(r, "{\"choices\":[{\"text\":\" legacy\"}]}");
        read(r, "{\"type\":\"response.output_text.delta\",\"delta\":\" typed\"}");
        read(r, "{\"delta\":\" named\"}", "response.refusal.delta");
        read(r, "{\"type\":\"response.audio.delta\",\"delta\":\"QUJD\"}");
        read(r, "{\"delta\":\"unnamed\"}");
        long expected = 0;
        for (String t : new String[] {"Hello", " think", " no", " why", "f", "{}", " legacy", " typed", " named"}) {
            expected += tokens(t);
        }
        assertEquals(expected, r.completionTokens());
        assertNull(r.usage());
    }

    @Test
    void read_notJsonOrNotAnObject_skipped() {
        StreamEventReader r = new StreamEventReader(ESTIMATOR, ENC);
        assertFalse(read(r, "{not json \"usage\""));
        assertFalse(read(r, "[DONE]"));
        assertFalse(read(r, "[{\"choices\":[]}]"));
        assertFalse(read(r, ""));
        assertEquals(0, r.completionTokens());
        assertNull(r.usage());
    }

    @Test
    void capturedText_nullUntilAsked_thenCutAtTheCap() {
        StreamEventReader r = new StreamEventReader(ESTIMATOR, ENC);
        read(r, "{\"choices\":[{\"delta\":{\"content\":\"before\"}}]}");
        assertFalse(r.capturing());
        assertNull(r.capturedText());
        r.captureText(8);
        assertTrue(r.capturing());
        read(r, "{\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}");
        assertEquals("Hello", r.capturedText());
        read(r, "{\"choices\":[{\"delta\":{\"content\":\" world\"}}]}");
        assertEquals("Hello wo...[truncated]", r.capturedText());
        assertEquals(
                "maxChars: 0 (expected: >= 1)",
                assertThrows(IllegalArgumentException.class, () -> r.captureText(0))
                        .getMessage());
    }
}
