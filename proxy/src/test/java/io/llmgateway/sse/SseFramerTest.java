package io.llmgateway.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseFramerTest {
    /** An event as the framer describes it; {@code end} is the stream offset past it, -1 for the unterminated one. */
    private record Event(String name, String data, boolean overflowed, int end) {
        Event(String name, String data) {
            this(name, data, false, 0);
        }

        Event(String name, String data, boolean overflowed) {
            this(name, data, overflowed, 0);
        }

        Event withoutEnd() {
            return new Event(name, data, overflowed, 0);
        }
    }

    private static Event current(SseFramer f, int end) {
        String name = f.eventNameLength() == 0 ? null : new String(f.eventName(), 0, f.eventNameLength(), UTF_8);
        return new Event(name, new String(f.data(), 0, f.dataLength(), UTF_8), f.overflowed(), end);
    }

    /** Feeds {@code stream} cut at {@code cuts}, each chunk behind a few bytes already read (positions are indices). */
    private static List<Event> frame(SseFramer f, byte[] stream, int... cuts) {
        List<Event> events = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            ByteBuf in = Unpooled.buffer().writeBytes("xyz".getBytes(UTF_8)).writeBytes(stream, from, to - from);
            in.skipBytes(3);
            f.begin(in);
            int end;
            while ((end = f.nextEvent()) >= 0) {
                events.add(current(f, from + end - 3));
            }
            in.release();
            from = to;
        }
        f.finish();
        Event last = current(f, -1);
        if (!last.data.isEmpty() || last.overflowed || last.name != null) {
            events.add(last);
        }
        return events;
    }

    private static List<Event> frame(String stream, int... cuts) {
        SseFramer f = new SseFramer(1024);
        try {
            return frame(f, stream.getBytes(UTF_8), cuts);
        } finally {
            f.release();
        }
    }

    private static List<Event> withoutEnds(List<Event> events) {
        return events.stream().map(Event::withoutEnd).toList();
    }

    private static final String STREAM = ": comment\n\nevent: message_start\ndata: {\"a\":1}\n\n"
            + "data: line one\ndata:line two\nid: 7\nretry: 10\n\n" + "data\n\ndata: [DONE]\n\n";

    @Test
    void nextEvent_fieldsAndEnds() {
        List<Event> events = frame(STREAM);
        int first = STREAM.indexOf("\n\n") + 2;
        int second = STREAM.indexOf("\n\n", first) + 2;
        int third = STREAM.indexOf("\n\n", second) + 2;
        assertEquals(
                List.of(
                        new Event(null, "", false, first),
                        new Event("message_start", "{\"a\":1}", false, second),
                        new Event(null, "line one\nline two", false, third),
                        new Event(null, "", false, third + "data\n\n".length()),
                        new Event(null, "[DONE]", false, STREAM.length())),
                events);
    }

    @Test
    void nextEvent_sameEventsWhereverTheChunksAreCut_everyLineEnding() {
        for (String eol : List.of("\n", "\r\n", "\r")) {
            String stream = STREAM.replace("\n", eol);
            byte[] bytes = stream.getBytes(UTF_8);
            List<Event> whole = frame(stream);
            assertEquals(5, whole.size(), eol);
            for (int cut = 0; cut <= bytes.length; cut++) {
                List<Event> events = frame(stream, cut);
                assertEquals(withoutEnds(whole), withoutEnds(events), "cut " + cut);
                if (!eol.equals("\r\n")) { // a CRLF cut in two ends the event at its CR
                    assertEquals(whole, events, "cut " + cut);
                }
            }
            int[] everyByte = new int[bytes.length - 1];
            for (int i = 0; i < everyByte.length; i++) {
                everyByte[i] = i + 1;
            }
            assertEquals(withoutEnds(whole), withoutEnds(frame(stream, everyByte)));
        }
    }

    @Test
    void nextEvent_crlfCutAfterTheCr_theEventEndsAtTheCrAndTheLfIsNoBlankLine() {
        List<Event> events = frame("data: a\r\n\r\ndata: b\r\n\r\n", 11);
        assertEquals(List.of(new Event(null, "a", false, 11), new Event(null, "b", false, 22)), events);
    }

    @Test
    void nextEvent_overBound_overflowedAndTheNextEventIsWhole() {
        SseFramer f = new SseFramer(16);
        String stream = "data: " + "d".repeat(40) + "\n\n" + ": " + "c".repeat(40) + "\ndata: ok\n\n"
                + "data: 0123456789\ndata: 0123456789\n\n" + "event: " + "e".repeat(40) + "\ndata: x\n\n";
        List<Event> events = frame(f, stream.getBytes(UTF_8), 20);
        f.release();
        assertEquals(
                List.of(
                        new Event(null, "", true),
                        new Event(null, "ok"),
                        new Event(null, "0123456789", true),
                        new Event(null, "x")),
                withoutEnds(events));
    }

    @Test
    void eventName_cutAtTheBound() {
        List<Event> events = frame("event: " + "n".repeat(300) + "\ndata: x\n\n");
        assertEquals("n".repeat(SseFramer.MAX_EVENT_NAME), events.get(0).name);
    }

    @Test
    void finish_unterminatedLastEvent() {
        assertEquals(
                List.of(new Event(null, "a", false, 9), new Event(null, "b\nc", false, -1)),
                frame("data: a\n\ndata: b\ndata: c", 12));
        assertEquals(List.of(new Event("x", "b", false, -1)), frame("event: x\ndata: b\n"));
        assertEquals(List.of(new Event(null, "a", false, 9)), frame("data: a\n\n: just a comment"));
    }

    @Test
    void nextEvent_fieldsStayUntilTheNextCall() {
        SseFramer f = new SseFramer(64);
        ByteBuf in = Unpooled.copiedBuffer("data: a\n\ndata: b", UTF_8);
        f.begin(in);
        assertEquals(9, f.nextEvent());
        assertEquals(new Event(null, "a"), current(f, 0));
        assertEquals(new Event(null, "a"), current(f, 0));
        assertEquals(-1, f.nextEvent());
        assertEquals(new Event(null, ""), current(f, 0), "the next event's line has not ended");
        f.finish();
        assertEquals(new Event(null, "b"), current(f, 0), "the stream ended: so has the line");
        in.release();
        f.release();
    }

    @Test
    void release_nextFramerOnTheThread_sameEventsAsAFreshOne() {
        List<Event> fresh = frame(STREAM);
        for (int i = 0; i < 3; i++) {
            SseFramer previous = new SseFramer(1 << 20);
            String big = "event: big\ndata: " + "x".repeat(40_000) + "\n\n";
            frame(previous, (STREAM + big + "data: partial").getBytes(UTF_8), 5);
            previous.release();
            previous.release();
            ByteBuf late = Unpooled.copiedBuffer("data: x\n\n", UTF_8);
            assertThrows(IllegalStateException.class, () -> previous.begin(late));
            late.release();
            assertEquals(fresh, frame(STREAM));
        }
    }

    @Test
    void constructor_boundTooSmall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SseFramer(15));
        assertEquals("maxEventBytes: 15 (expected: >= 16)", e.getMessage());
    }
}
