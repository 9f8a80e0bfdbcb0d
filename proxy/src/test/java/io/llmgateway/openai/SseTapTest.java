package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.Usage;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SseTapTest {
    private static final ExecutorService POOL = TokenEstimator.newExecutor(1, 1);
    private static final TokenEstimator ESTIMATOR = new TokenEstimator(POOL);
    private static final String ENC = "o200k_base";
    private static final List<String> DELTAS = List.of("", "Hello", " world, \u00e9\u4e2d \uD83D\uDE00", "!");

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    private static String chunk(String delta) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + delta + "\"},\"finish_reason\":null}],\"usage\":null}\n\n";
    }

    private static final String USAGE_EVENT =
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12,"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    private static String chatStream(boolean withUsage) {
        StringBuilder sb = new StringBuilder(": OPENROUTER PROCESSING\n\n");
        DELTAS.forEach(d -> sb.append(chunk(d)));
        sb.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n");
        return sb.append(withUsage ? USAGE_EVENT : "").append(DONE).toString();
    }

    private static long deltaTokens(List<String> deltas) {
        return deltas.stream().mapToLong(d -> ESTIMATOR.countText(d, ENC)).sum();
    }

    private record Result(String out, Usage usage, boolean done, long estimate, boolean sawEvent) {}

    private static Result run(SseTap tap, boolean drop, byte[] stream, int[] cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<ByteBuf> inputs = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            ByteBuf in = PooledByteBufAllocator.DEFAULT
                    .directBuffer(Math.max(1, to - from))
                    .writeBytes(stream, from, to - from);
            inputs.add(in);
            ByteBuf o = tap.onChunk(in);
            if (!drop) {
                assertSame(in, o, "without dropping, the input itself goes out");
            }
            drain(o, out);
            from = to;
        }
        drain(tap.onEnd(), out);
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "every input is released once its bytes are out");
        }
        return new Result(
                out.toString(UTF_8), tap.usage(), tap.sawDone(), tap.completionTokensEstimate(), tap.sawEvent());
    }

    private static Result run(boolean drop, String stream, int... cuts) {
        return run(new SseTap(drop, ESTIMATOR, ENC), drop, stream.getBytes(UTF_8), cuts);
    }

    private static void drain(ByteBuf o, ByteArrayOutputStream out) {
        byte[] b = new byte[o.readableBytes()];
        o.getBytes(o.readerIndex(), b);
        out.writeBytes(b);
        if (o.release()) {
            assertEquals(0, o.refCnt());
        } else {
            assertSame(Unpooled.EMPTY_BUFFER, o, "only the shared empty buffer survives its release");
        }
    }

    private static int[] everyByte(int length) {
        int[] cuts = new int[length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return cuts;
    }

    @Test
    void completionTokensEstimate_beyondTheDeferredBound_countsEveryDelta() {
        // Far more delta data than SseTap keeps for counting later: the excess is counted on the way.
        List<String> deltas = new ArrayList<>();
        StringBuilder stream = new StringBuilder();
        Random random = new Random(3);
        int bytes = 0;
        for (int i = 0; bytes < 3 * DeferredEvents.MAX_BYTES; i++) {
            String d = i % 7 == 0 ? " caf\u00e9 " + i : " word" + random.nextInt(1000) + " and more text " + i;
            deltas.add(d);
            String event = chunk(d);
            stream.append(event);
            bytes += event.length();
        }
        stream.append(DONE);
        Result r = run(false, stream.toString(), 4096, 70_000, 300_000, 600_000);
        assertNull(r.usage);
        assertEquals(deltaTokens(deltas), r.estimate);
    }

    /** Released taps hand their arrays to the next stream on the thread: nothing of the last stream shows. */
    @Test
    void release_nextStreamReusesTheArrays_resultsAsWithFreshOnes() {
        String stream = chatStream(false);
        Result fresh = run(false, stream);
        String longEvent = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(3000) + "\"}}]}\n\n";
        for (int i = 0; i < 3; i++) {
            SseTap previous = new SseTap(false, ESTIMATOR, ENC);
            run(previous, false, (stream + longEvent + stream).getBytes(UTF_8), new int[] {7});
            previous.release(); // deferred deltas and grown arrays left behind
            SseTap next = new SseTap(false, ESTIMATOR, ENC);
            Result r = run(next, false, stream.getBytes(UTF_8), everyByte(stream.getBytes(UTF_8).length));
            next.release();
            assertEquals(fresh, r);
        }
    }

    @Test
    void usage_cachedPromptTokens_readFromPromptTokensDetails() {
        String cached = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,"
                + "\"total_tokens\":2306,\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":192}}}\n\n";
        Result r = run(false, chunk("hi") + cached + DONE, 17);
        assertEquals(new Usage(2006, 300, 2306, false, 0, 1920), r.usage);
    }

    @Test
    void onChunk_keepMode_passesEverythingAndTaps() {
        Result r = run(false, chatStream(true), 100);
        assertEquals(chatStream(true), r.out);
        assertEquals(new Usage(9, 3, 12, false), r.usage);
        assertTrue(r.done);
        assertTrue(r.sawEvent);
        assertEquals(deltaTokens(DELTAS), r.estimate);
        assertTrue(r.estimate > 0);
    }

    @Test
    void onChunk_dropMode_removesOnlyTheUsageOnlyChunk() {
        Result r = run(true, chatStream(true));
        assertEquals(chatStream(false), r.out);
        assertEquals(new Usage(9, 3, 12, false), r.usage);
        assertTrue(r.done);
        assertEquals(deltaTokens(DELTAS), r.estimate);
    }

    @Test
    void onChunk_dropMode_wholeEventsPerChunk_returnsTheInputItself() {
        SseTap tap = new SseTap(true, ESTIMATOR, ENC);
        ByteBuf in =
                PooledByteBufAllocator.DEFAULT.buffer().writeBytes(chunk("hi").getBytes(UTF_8));
        ByteBuf out = tap.onChunk(in);
        assertSame(in, out, "nothing dropped or held: no slice, no copy");
        out.release();
        ByteBuf usageIn = PooledByteBufAllocator.DEFAULT.buffer().writeBytes(USAGE_EVENT.getBytes(UTF_8));
        ByteBuf dropped = tap.onChunk(usageIn);
        assertEquals(0, dropped.readableBytes());
        dropped.release();
        assertEquals(0, usageIn.refCnt());
        tap.onEnd().release();
    }

    @Test
    void onChunk_splitAtEveryByte_sameOutputUsageAndEstimate() {
        for (String eol : List.of("\n", "\r\n", "\r")) {
            String stream = chatStream(true).replace("\n", eol);
            byte[] bytes = stream.getBytes(UTF_8);
            for (boolean drop : List.of(true, false)) {
                String expected = drop ? chatStream(false).replace("\n", eol) : stream;
                Result whole = run(drop, stream);
                assertEquals(expected, whole.out);
                for (int cut = 0; cut <= bytes.length; cut++) {
                    Result r = run(drop, stream, cut);
                    String where =
                            "eol " + eol.replace("\r", "CR").replace("\n", "LF") + " drop " + drop + " cut " + cut;
                    assertEquals(expected, r.out, where);
                    assertEquals(whole.usage, r.usage, where);
                    assertEquals(whole.estimate, r.estimate, where);
                    assertTrue(r.done, where);
                }
                Result bytewise = run(new SseTap(drop, ESTIMATOR, ENC), drop, bytes, everyByte(bytes.length));
                assertEquals(expected, bytewise.out);
                assertEquals(new Usage(9, 3, 12, false), bytewise.usage);
                assertEquals(whole.estimate, bytewise.estimate);
            }
        }
    }

    @Test
    void onChunk_randomSplits_sameOutput() {
        String stream = chatStream(true).replace("\n", "\r\n");
        byte[] bytes = stream.getBytes(UTF_8);
        Random random = new Random(42);
        for (int n = 0; n < 300; n++) {
            int[] cuts = random.ints(1 + random.nextInt(12), 0, bytes.length + 1)
                    .sorted()
                    .toArray();
            Result r = run(new SseTap(true, ESTIMATOR, ENC), true, bytes, cuts);
            assertEquals(chatStream(false).replace("\n", "\r\n"), r.out);
            assertEquals(new Usage(9, 3, 12, false), r.usage);
        }
    }

    @Test
    void onChunk_commentsAndMultiLineData() {
        String usageEvent = ": a comment in the event\ndata: {\"choices\":[],\ndata: \"usage\":{\"prompt_tokens\":1,"
                + "\"completion_tokens\":2,\"total_tokens\":3}}\nid: 7\n\n";
        String kept =
                ": keep-alive\n\n" + chunk("x") + "data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"yz\"}}]}\n\n";
        String stream = kept + usageEvent + "data:[DONE]\n\n";
        Result r = run(true, stream);
        assertEquals(kept + "data:[DONE]\n\n", r.out);
        assertEquals(new Usage(1, 2, 3, false), r.usage);
        assertTrue(r.done);
        assertEquals(deltaTokens(List.of("x", "yz")), r.estimate);
        for (int cut = 0; cut <= stream.length(); cut++) {
            assertEquals(kept + "data:[DONE]\n\n", run(true, stream, cut).out, "cut " + cut);
        }
    }

    @Test
    void onChunk_usageAlongsideChoices_isNotDropped() {
        String stream = chunk("a") + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}\n\n" + DONE;
        Result r = run(true, stream);
        assertEquals(stream, r.out);
        assertEquals(new Usage(5, 1, 6, false), r.usage);
    }

    @Test
    void onChunk_responsesApiEvents() {
        List<String> deltas = List.of("The", " answer", " is 42.");
        StringBuilder sb =
                new StringBuilder("event: response.created\ndata: {\"type\":\"response.created\",\"response\":"
                        + "{\"id\":\"resp_1\",\"status\":\"in_progress\",\"usage\":null}}\n\n");
        for (String d : deltas) {
            sb.append(
                            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"m1\","
                                    + "\"output_index\":0,\"content_index\":0,\"delta\":\"")
                    .append(d)
                    .append("\"}\n\n");
        }
        sb.append(
                "event: response.audio.delta\ndata: {\"type\":\"response.audio.delta\",\"delta\":\"QUJDREVGR0g=\"}\n\n");
        sb.append("event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\","
                + "\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":11,\"input_tokens_details\":"
                + "{\"cached_tokens\":0},\"output_tokens\":4,\"total_tokens\":15}}}\n\n");
        String stream = sb.toString();
        for (boolean drop : List.of(true, false)) {
            Result r = run(drop, stream, 77);
            assertEquals(stream, r.out, "Responses API events are never dropped");
            assertEquals(new Usage(11, 4, 15, false), r.usage);
            assertFalse(r.done);
            assertEquals(deltaTokens(deltas), r.estimate, "only text deltas are counted");
        }
    }

    @Test
    void onChunk_noUsage_estimateFromDeltas() {
        Result r = run(false, chatStream(false), 33, 34, 200);
        assertNull(r.usage);
        assertTrue(r.done);
        assertTrue(r.estimate > 0);
        assertEquals(deltaTokens(DELTAS), r.estimate);
        List<String> parts = List.of("Hello ", "world");
        String completions = "data: {\"choices\":[{\"text\":\"Hello \",\"index\":0}]}\n\n"
                + "data: {\"choices\":[{\"text\":\"world\",\"index\":0}]}\n\n";
        assertEquals(deltaTokens(parts), run(false, completions).estimate, "legacy completions text");
        String tools = "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                + "\"{\\\"city\\\": \\\"Paris\\\"}\"}}]}}]}\n\n";
        assertEquals(deltaTokens(List.of("{\"city\": \"Paris\"}")), run(false, tools).estimate, "tool call arguments");
    }

    @Test
    void onChunk_notJsonPayloads_passThroughUntapped() {
        String stream = "data: {not json \"usage\" \"delta\"\n\ndata: plain text\n\nevent: x\n\n" + DONE;
        for (boolean drop : List.of(true, false)) {
            Result r = run(drop, stream, 5);
            assertEquals(stream, r.out);
            assertNull(r.usage);
            assertTrue(r.done);
            assertEquals(0, r.estimate);
        }
    }

    @Test
    void onChunk_eventLargerThanCap_passesThroughAndIsNotDropped() {
        String hugeUsage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
                + "\"total_tokens\":2},\"pad\":\"" + "p".repeat(300) + "\"}\n\n";
        String bigContent = chunk("c".repeat(400));
        String small = chunk("s");
        String stream = small + bigContent + hugeUsage + small + USAGE_EVENT + DONE;
        String expected = small + bigContent + hugeUsage + small + DONE;
        byte[] bytes = stream.getBytes(UTF_8);
        for (int cut = 0; cut <= bytes.length; cut += 7) {
            int[] cuts = cut == 0 ? new int[0] : new int[] {cut / 2, cut};
            Result r = run(new SseTap(true, ESTIMATOR, ENC, 256), true, bytes, cuts);
            assertEquals(expected, r.out, "cut " + cut);
            assertEquals(new Usage(9, 3, 12, false), r.usage, "the small usage event is still read");
        }
        Result bytewise = run(new SseTap(true, ESTIMATOR, ENC, 256), true, bytes, everyByte(bytes.length));
        assertEquals(expected, bytewise.out);
    }

    @Test
    void onEnd_returnsHeldIncompleteEvent_orDropsAnUnterminatedUsageChunk() {
        String partial = chunk("a") + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}";
        Result kept = run(true, partial, 10);
        assertEquals(partial, kept.out);
        assertEquals(deltaTokens(List.of("a", "b")), kept.estimate, "the unterminated event is still tapped");

        String unterminatedUsage = chunk("a") + USAGE_EVENT.strip();
        Result dropped = run(true, unterminatedUsage, 10);
        assertEquals(chunk("a"), dropped.out);
        assertEquals(new Usage(9, 3, 12, false), dropped.usage);
    }

    @Test
    void release_freesHeldBytes() {
        SseTap tap = new SseTap(true, ESTIMATOR, ENC);
        ByteBuf in =
                PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes((chunk("a") + "data: {\"cho").getBytes(UTF_8));
        ByteBuf out = tap.onChunk(in);
        assertEquals(chunk("a"), out.toString(UTF_8));
        out.release();
        assertEquals(1, in.refCnt(), "the incomplete event is held as a retained slice");
        tap.release();
        assertEquals(0, in.refCnt());
        ByteBuf late = PooledByteBufAllocator.DEFAULT.buffer().writeByte('x');
        assertThrows(IllegalStateException.class, () -> tap.onChunk(late));
        assertEquals(0, late.refCnt());
        assertEquals(0, tap.onEnd().readableBytes());
    }

    @Test
    void sawEvent_falseForCommentsOnly() {
        Result comments = run(true, ": ping\n\n: ping\n\n", 3);
        assertFalse(comments.sawEvent);
        assertFalse(comments.done);
        assertEquals(": ping\n\n: ping\n\n", comments.out);
        assertTrue(run(true, "data: {}\n\n").sawEvent);
    }
}
