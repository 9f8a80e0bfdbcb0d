package io.llmgateway.translate;

import static io.llmgateway.translate.MessagesViaChatStreamTapTest.DONE;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.HEAD;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.INTERLEAVED_TOOLS;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.REASONING_THEN_TEXT;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.ROLE;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.chunk;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.content;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.everyByte;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.finish;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.reasoning;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.toolArgs;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.toolStart;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.usage;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.TestJson;
import io.llmgateway.tokens.TokenEstimator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The same streams through the tap with {@link ChatChunkScanner} and with the parser alone: the Anthropic events
 * are the same bytes (or, where a text's escapes are spelled otherwise than Jackson writes them, the same events),
 * whole and cut at every byte, and so are the usage, the estimate and the transcript.
 */
class ChatChunkScanDifferentialTest {
    private static final ExecutorService POOL = TokenEstimator.newExecutor(1, 1);
    private static final TokenEstimator ESTIMATOR = new TokenEstimator(POOL);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    /** An event with {@code escaped} as its content, given as it goes on the wire. */
    private static String escapedContent(String escaped) {
        return chunk("{\"content\":\"" + escaped + "\"}", "null");
    }

    private static String event(String json) {
        return "data: " + json + "\n\n";
    }

    /** Streams whose texts are spelled as Jackson writes them: the scanner's output is the parser path's, byte for byte. */
    private static final List<String> SAME_BYTES = List.of(
            ROLE + content("Hello") + content(" world") + finish("stop") + usage(19, 10, 0) + DONE,
            ROLE
                    + escapedContent(
                            "quote \\\" backslash \\\\ newline \\n tab \\t cr \\r bs \\b ff \\f nul \\u0000 us \\u001F")
                    + finish("stop")
                    + DONE,
            ROLE
                    + escapedContent("caf\u00e9 \u4e2d\u6587 \u2028 \u2029 \u00a0 \u007f <b>")
                    + finish("stop")
                    + usage(1, 2, 0)
                    + DONE,
            ROLE + content("") + content("a") + content("") + finish("length") + usage(3, 4, 1) + DONE,
            REASONING_THEN_TEXT,
            ROLE + chunk("{\"reasoning_content\":\"r\",\"content\":\"c\"}", "null") + finish("stop") + DONE,
            INTERLEAVED_TOOLS,
            ROLE
                    + content("Let me look.")
                    + toolStart(0, "call_a", "f")
                    + toolArgs(0, "{\"a\":1}")
                    + content("more")
                    + finish("tool_calls")
                    + usage(5, 6, 0)
                    + DONE,
            ROLE + chunk("{\"refusal\":\"No.\"}", "null") + finish("stop") + DONE,
            ROLE + content("a") + chunk("{\"content\":\"b\"}", "\"stop\"") + usage(1, 1, 0) + DONE,
            ROLE
                    + content("Hi")
                    + event(HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}"),
            ROLE
                    + content("Hi")
                    + event(HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\","
                            + "\"stop_reason\":\"END\"}]}")
                    + DONE,
            // names and members in other orders, names after the first text, no names at all
            event("{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"id\":\"late\",\"model\":\"late\"}")
                    + event("{\"model\":\"m2\",\"id\":\"i2\",\"choices\":[{\"delta\":{\"content\":\"y\"}}]}")
                    + finish("stop")
                    + DONE,
            event("{\"model\":\"\",\"id\":\"\",\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}")
                    + event("{\"choices\":[{\"finish_reason\":null,\"delta\":{\"content\":\"z\"},\"index\":0}],"
                            + "\"id\":\"after-role\"}")
                    + event("{\"usage\":{\"completion_tokens\":2,\"prompt_tokens\":3},\"choices\":[]}")
                    + event("{\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{}}]}")
                    + DONE,
            // whitespace, unknown members, logprobs
            event(" {\n \"id\" : \"w\" ,\r\n\t\"choices\" : [ { \"delta\" : { \"content\" : \"sp ace\" } ,"
                            + " \"logprobs\" : { \"content\" : [ { \"token\" : \"sp\" , \"logprob\" : -0.25 } ] } } ] ,"
                            + " \"obfuscation\" : \"q1\" } ")
                    + finish("stop")
                    + DONE,
            // events the parser reads among those the scanner reads
            ROLE + content("a") + "data: {\"choices\":[{\"delta\":{\"content\":\"cut\"}}\n\n" + "data: not json\n\n"
                    + "data: 42\n\n" + "data: {\"choices\":[]} {\"x\":1}\n\n" + ": a comment\n\n"
                    + event("{\"choices\":[{\"delta\":{\"cont\\u0065nt\":\"escaped key\"}}]}")
                    + event(HEAD + "{\"index\":0,\"delta\":{\"content\":\"one\"}},{\"index\":1,\"delta\":"
                            + "{\"content\":\"two\"}}]}")
                    + event("{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":{\"prompt_tokens\":"
                            + "99999999999999999999}}")
                    + content("b") + finish("stop") + DONE,
            ROLE
                    + content("Hel")
                    + event("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\","
                            + "\"code\":\"overloaded\"}}")
                    + content("never"),
            ROLE + content("cut short"),
            ROLE + content("no done") + finish("stop"),
            ROLE + content("max") + finish("length") + DONE,
            ROLE + content("filtered") + finish("content_filter") + DONE);

    /**
     * Streams whose texts are spelled otherwise than Jackson writes them (escapes it would not write, surrogate
     * pairs): the scanner copies them as they are, so the bytes differ where the texts are; the events are the same.
     */
    private static final List<String> SAME_EVENTS = List.of(
            ROLE
                    + escapedContent("slash \\/ e \\u00e9 ls \\u2028 ps \\u2029 us \\u001f \\u001F")
                    + escapedContent("pair \\ud83d\\ude00 \\uD83D\\uDE00 lone \\ud800 x")
                    + finish("stop")
                    + DONE,
            ROLE + content("emoji \uD83D\uDE00 as UTF-8") + reasoning("\uD83E\uDD14") + finish("stop") + DONE,
            ROLE
                    + escapedContent("\\u0041\\u0042")
                    + content(" and ")
                    + escapedContent("\\\"ok\\\"")
                    + finish("stop")
                    + usage(1, 1, 0)
                    + DONE);

    @Test
    void sameBytes_wholeAndCutAtEveryByte() {
        for (String stream : SAME_BYTES) {
            String parsed = run(stream, false, false);
            assertEquals(parsed, run(stream, true, false), stream);
            assertEquals(parsed, run(stream, true, true), stream);
        }
    }

    @Test
    void sameEvents_textsCopiedAsTheyAre() {
        for (String stream : SAME_EVENTS) {
            String parsed = run(stream, false, false);
            String scanned = run(stream, true, false);
            assertNotEquals(parsed, scanned, "the texts are spelled as the provider spelled them");
            assertEquals(MessagesViaChatSequence.of(parsed).events, MessagesViaChatSequence.of(scanned).events);
            assertEquals(scanned, run(stream, true, true));
        }
        String scanned = run(SAME_EVENTS.get(0), true, false);
        assertTrue(
                scanned.contains("\"text\":\"slash \\/ e \\u00e9 ls \\u2028 ps \\u2029 us \\u001f \\u001F\""), scanned);
    }

    @Test
    void usageEstimateAndTranscript_areTheSame() {
        for (List<String> streams : List.of(SAME_BYTES, SAME_EVENTS)) {
            for (String stream : streams) {
                assertEquals(summary(stream, false), summary(stream, true), stream);
            }
        }
    }

    @Test
    void damagedEvents_translateAsThroughTheParser() {
        // Bytes deleted, doubled or replaced by JSON's structural characters, in every stream: what either path
        // makes of a damaged event (skip it, translate what comes before the fault) the other makes too.
        Random random = new Random(26);
        byte[] replacements = "{}[],:\"0-1.e a\\/nt".getBytes(UTF_8);
        for (int round = 0; round < 40; round++) {
            for (String stream : SAME_BYTES) {
                StringBuilder damaged = new StringBuilder();
                for (String event : stream.split("(?<=\n\n)")) {
                    damaged.append(random.nextInt(3) == 0 ? damage(event, random, replacements) : event);
                }
                String parsed = run(damaged.toString(), false, false);
                String scanned = run(damaged.toString(), true, false);
                if (!parsed.equals(scanned)) { // a damaged text may now hold an escape Jackson writes otherwise
                    assertEquals(events(parsed), events(scanned), damaged.toString());
                }
            }
        }
    }

    /** {@code event} with one byte of its data deleted, doubled or replaced. */
    private static String damage(String event, Random random, byte[] replacements) {
        byte[] b = event.getBytes(UTF_8);
        if (b.length < 10 || !event.startsWith("data: {")) {
            return event;
        }
        int at = 6 + random.nextInt(b.length - 8);
        byte[] out = switch (random.nextInt(3)) {
            case 0 -> concat(b, at, new byte[0], at + 1);
            case 1 -> concat(b, at, new byte[] {b[at]}, at);
            default -> concat(b, at, new byte[] {replacements[random.nextInt(replacements.length)]}, at + 1);
        };
        return new String(out, UTF_8);
    }

    private static byte[] concat(byte[] b, int headEnd, byte[] middle, int tailStart) {
        byte[] out = new byte[headEnd + middle.length + b.length - tailStart];
        System.arraycopy(b, 0, out, 0, headEnd);
        System.arraycopy(middle, 0, out, headEnd, middle.length);
        System.arraycopy(b, tailStart, out, headEnd + middle.length, b.length - tailStart);
        return out;
    }

    /** The events of {@code sse}: each one's name and data, parsed. */
    private static List<Object> events(String sse) {
        List<Object> events = new ArrayList<>();
        for (String raw : sse.split("\n\n")) {
            String[] lines = raw.split("\n", 2);
            events.add(List.of(lines[0], TestJson.parse(lines[1].substring("data: ".length()))));
        }
        return events;
    }

    private static String summary(String stream, boolean scan) {
        MessagesViaChatStreamTap tap = new MessagesViaChatStreamTap("claude-sonnet", ESTIMATOR, "o200k_base", scan);
        try {
            tap.captureText(1000);
            MessagesViaChatStreamTapTest.run(tap, stream);
            return tap.usage() + " " + tap.completionTokensEstimate() + " " + tap.capturedText();
        } finally {
            tap.release();
        }
    }

    /** What the tap writes for {@code stream}, with or without the scanner, whole or cut at every byte. */
    private static String run(String stream, boolean scan, boolean everyByte) {
        MessagesViaChatStreamTap tap = new MessagesViaChatStreamTap("claude-sonnet", ESTIMATOR, "o200k_base", scan);
        try {
            int[] cuts = everyByte ? everyByte(stream.getBytes(UTF_8).length) : new int[0];
            // Without a provider's id the message's is random: the same placeholder for both.
            return MessagesViaChatStreamTapTest.run(tap, stream, cuts)
                    .replaceAll("msg_[0-9a-f]{1,16}\\b", "msg_random");
        } finally {
            tap.release();
        }
    }
}
