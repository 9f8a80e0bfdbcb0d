package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UsageProbeTest {
    @Test
    void mayHoldUsage_onlyWhenAUsageKeyHasAValueOtherThanNull() {
        for (String yes : List.of(
                "{\"usage\":{\"total_tokens\":1}}",
                "{\"usage\" : {}}",
                "{\"usage\":null,\"x_groq\":{\"usage\":{\"total_tokens\":1}}}",
                "{\"usage\":nul",
                "{\"usage\"",
                "[\"usage\"]")) {
            byte[] b = yes.getBytes(UTF_8);
            assertTrue(UsageProbe.mayHoldUsage(b, b.length), yes);
        }
        for (String no : List.of(
                "{\"choices\":[],\"usage\":null}",
                "{\"usage\" :\r\n null}",
                "{}",
                "{\"content\":\"the \\\"usage\\\" of it\"}")) {
            byte[] b = no.getBytes(UTF_8);
            assertFalse(UsageProbe.mayHoldUsage(b, b.length), no);
        }
    }

    @Test
    void endsWithNullUsage_onlyTheTopLevelObjectsLastKey() {
        for (String yes : List.of(
                "{\"usage\":null}",
                "{\"choices\":[],\"usage\":null}",
                "{\"x_groq\":{\"usage\":{\"total_tokens\":1}},\"usage\":null}")) {
            byte[] b = yes.getBytes(UTF_8);
            assertTrue(UsageProbe.endsWithNullUsage(b, b.length), yes);
            assertFalse(UsageProbe.mayHoldUsage(b, b.length), yes);
        }
        for (String no :
                List.of("{\"x\":{\"usage\":null}}", "{\"usage\":null }", "\"usage\":null", "usage\":null}", "")) {
            byte[] b = no.getBytes(UTF_8);
            assertFalse(UsageProbe.endsWithNullUsage(b, b.length), no);
        }
        byte[] padded = "{\"usage\":null}   ".getBytes(UTF_8);
        assertTrue(UsageProbe.endsWithNullUsage(padded, padded.length - 3), "only the first len bytes count");
    }

    @Test
    void mayHoldUsage_onlyTheFirstLenBytes() {
        byte[] b = "{\"a\":1}{\"usage\":{}}".getBytes(UTF_8);
        assertFalse(UsageProbe.mayHoldUsage(b, 7));
        assertTrue(UsageProbe.mayHoldUsage(b, b.length));
    }
}
