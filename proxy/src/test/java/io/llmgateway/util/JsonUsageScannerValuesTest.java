package io.llmgateway.util;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The string values {@link JsonUsageScanner#captureValues} reports beside the usage, whatever the chunking. */
class JsonUsageScannerValuesTest {
    private static final byte[][] COUNTERS = {bytes("prompt_tokens"), bytes("completion_tokens")};
    private static final byte[][] ROOT = {bytes("id"), bytes("model")};
    private static final byte[][] ELEMENT = {bytes("finish_reason")};

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    /** What a scan of {@code json}, cut into chunks at {@code cut}, reports: values, then counters. */
    private static List<String> scan(String json, int cut) {
        List<String> out = new ArrayList<>();
        List<String> counters = new ArrayList<>();
        JsonUsageScanner s = new JsonUsageScanner(COUNTERS, (c, v) -> counters.add(c + "=" + v));
        s.captureValues(ROOT, ELEMENT, (k, v) -> out.add(k + ":" + v));
        byte[] b = bytes(json);
        for (int from = 0; from < b.length; from += cut) {
            byte[] chunk = Arrays.copyOfRange(b, from, Math.min(b.length, from + cut));
            s.scan(chunk, chunk.length);
        }
        out.addAll(counters);
        return out;
    }

    @Test
    void reportsRootAndElementValues_andTheUsage_atEveryChunking() {
        String json = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"id\":\"not-this\",\"content\":\"a \\\"model\\\":\\\"x\\\"\",\"finish_reason\":\"inner\"},"
                + "\"finish_reason\":\"stop\"},{\"finish_reason\":null},{\"finish_reason\":\"le\\\"n\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4},\"model\":\"second\"}";
        List<String> expected = List.of("0:chatcmpl-1", "1:gpt-4o", "2:stop", "2:le\"n", "1:second", "0=3", "1=4");
        for (int cut = 1; cut <= json.length(); cut++) {
            assertEquals(expected, scan(json, cut), "chunks of " + cut);
        }
    }

    @Test
    void readsOnPastTheUsage_onlyWhenCapturing() {
        String json = "{\"usage\":{\"prompt_tokens\":3},\"id\":\"late\"}";
        assertEquals(List.of("0:late", "0=3"), scan(json, 7));

        JsonUsageScanner plain = new JsonUsageScanner(COUNTERS, (c, v) -> {});
        byte[] b = bytes(json);
        plain.scan(b, b.length);
        assertTrue(plain.usageEnded());
        assertTrue(plain.done());
    }

    @Test
    void cutsLongValues_andIgnoresNonStrings() {
        String longId = "x".repeat(300);
        List<String> got = scan("{\"id\":\"" + longId + "\",\"model\":7,\"choices\":[{\"finish_reason\":{}}]}", 64);
        assertEquals(List.of("0:" + "x".repeat(128)), got);
    }
}
