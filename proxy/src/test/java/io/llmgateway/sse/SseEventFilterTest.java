package io.llmgateway.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The filter driven as its users drive it: a framer finds the event ends; events whose data says "drop" go. */
class SseEventFilterTest {
    private static final String KEPT_1 = ": ping\n\nevent: a\ndata: one\n\n";
    private static final String DROPPED = "event: b\ndata: drop me\ndata: too\n\n";
    private static final String KEPT_2 = "data: two\n\n";
    private static final String STREAM = KEPT_1 + DROPPED + KEPT_2 + DROPPED + DROPPED + KEPT_2;
    private static final String EXPECTED = KEPT_1 + KEPT_2 + KEPT_2;

    private static boolean drop(SseFramer f) {
        return !f.overflowed() && new String(f.data(), 0, f.dataLength(), UTF_8).contains("drop");
    }

    private static String run(int maxHeld, byte[] stream, int... cuts) {
        SseFramer framer = new SseFramer(Math.max(16, maxHeld)); // an event over the bound is not judged
        SseEventFilter filter = new SseEventFilter(maxHeld);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<ByteBuf> inputs = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            if (to == from) {
                continue;
            }
            ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(to - from).writeBytes(stream, from, to - from);
            inputs.add(in);
            framer.begin(in);
            filter.begin(in);
            int end;
            while ((end = framer.nextEvent()) >= 0) {
                filter.eventEnd(in, end, drop(framer));
            }
            drain(filter.endChunk(in), out);
            in.release();
            from = to;
        }
        framer.finish();
        drain(filter.finish(drop(framer)), out);
        framer.release();
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "every input is released once its bytes are out");
        }
        return out.toString(UTF_8);
    }

    private static void drain(ByteBuf o, ByteArrayOutputStream out) {
        byte[] b = new byte[o.readableBytes()];
        o.getBytes(o.readerIndex(), b);
        out.writeBytes(b);
        o.release();
    }

    @Test
    void endChunk_dropsTheRejectedEventsWhereverTheChunksAreCut_everyLineEnding() {
        for (String eol : List.of("\n", "\r\n", "\r")) {
            byte[] bytes = STREAM.replace("\n", eol).getBytes(UTF_8);
            String expected = EXPECTED.replace("\n", eol);
            assertEquals(expected, run(4096, bytes));
            for (int cut = 0; cut <= bytes.length; cut++) {
                assertEquals(expected, run(4096, bytes, cut), "cut " + cut);
            }
            int[] everyByte = new int[bytes.length - 1];
            for (int i = 0; i < everyByte.length; i++) {
                everyByte[i] = i + 1;
            }
            assertEquals(expected, run(4096, bytes, everyByte));
            Random random = new Random(3);
            for (int n = 0; n < 100; n++) {
                int[] cuts = random.ints(1 + random.nextInt(8), 0, bytes.length + 1)
                        .sorted()
                        .toArray();
                assertEquals(expected, run(4096, bytes, cuts));
            }
        }
    }

    @Test
    void endChunk_wholeKeptEvents_returnTheInputItself() {
        SseFramer framer = new SseFramer(1024);
        SseEventFilter filter = new SseEventFilter(1024);
        ByteBuf in = Unpooled.copiedBuffer(KEPT_2, UTF_8);
        framer.begin(in);
        filter.begin(in);
        filter.eventEnd(in, framer.nextEvent(), false);
        ByteBuf out = filter.endChunk(in);
        assertSame(in, out, "nothing dropped or held: no slice, no copy");
        assertEquals(2, in.refCnt(), "the output's reference and the caller's");
        out.release();
        in.release();
        framer.release();
    }

    @Test
    void endChunk_eventOverTheBound_passesThroughAndIsNotDropped() {
        String big = "data: drop " + "x".repeat(200) + "\n\n";
        byte[] bytes = (KEPT_2 + big + DROPPED + KEPT_2).getBytes(UTF_8);
        String expected = KEPT_2 + big + KEPT_2;
        for (int cut = 1; cut < bytes.length; cut += 5) {
            assertEquals(expected, run(64, bytes, cut / 2, cut), "cut " + cut);
        }
    }

    @Test
    void finish_unterminatedLastEvent_keptOrDropped() {
        assertEquals(KEPT_2 + "data: partial", run(1024, (KEPT_2 + "data: partial").getBytes(UTF_8), 13));
        assertEquals(KEPT_2, run(1024, (KEPT_2 + "data: drop").getBytes(UTF_8), 13));
    }

    @Test
    void release_freesHeldBytes() {
        SseFramer framer = new SseFramer(1024);
        SseEventFilter filter = new SseEventFilter(1024);
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes((KEPT_2 + "data: par").getBytes(UTF_8));
        framer.begin(in);
        filter.begin(in);
        filter.eventEnd(in, framer.nextEvent(), false);
        assertEquals(-1, framer.nextEvent());
        ByteBuf out = filter.endChunk(in);
        assertEquals(KEPT_2, out.toString(UTF_8));
        out.release();
        in.release();
        assertEquals(1, in.refCnt(), "the incomplete event is held as a retained slice");
        filter.release();
        assertEquals(0, in.refCnt());
        framer.release();
    }

    @Test
    void constructor_boundTooSmall() {
        assertEquals(
                "maxHeldBytes: 0 (expected: >= 1)",
                assertThrows(IllegalArgumentException.class, () -> new SseEventFilter(0))
                        .getMessage());
    }
}
