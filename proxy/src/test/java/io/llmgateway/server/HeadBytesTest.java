package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

class HeadBytesTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    private static String text(HeadBytes h) {
        return HeadText.of(h.toBuffer(ALLOC));
    }

    @Test
    void piecesOfEveryKind_inOrder() {
        HeadBytes h =
                HeadBytes.start().bytes(HeadBytes.bytesOf("GET ")).ascii("/v1").crlf();
        h.header(AsciiString.cached("content-length"), "42");
        h.header("x-note", "caf\u00e9 \u4e2d"); // up to U+00FF as its byte, as Netty's encoder writes it
        h.number(0)
                .ascii(" ")
                .number(7)
                .ascii(" ")
                .number(1234567890123L)
                .ascii(" ")
                .number(Long.MAX_VALUE)
                .ascii(" ")
                .number(-42)
                .ascii(" ")
                .number(Long.MIN_VALUE)
                .crlf();
        h.count(AsciiString.cached("x-count"), 60);
        h.duration(AsciiString.cached("x-reset"), 61_500);
        h.duration(AsciiString.cached("x-reset-2"), 20);
        assertEquals(
                "GET /v1\r\ncontent-length: 42\r\nx-note: caf\u00e9 ?\r\n0 7 1234567890123 "
                        + Long.MAX_VALUE + " -42 " + Long.MIN_VALUE + "\r\nx-count: 60\r\nx-reset: 1m1.5s\r\n"
                        + "x-reset-2: 20ms\r\n",
                text(h));
    }

    @Test
    void start_emptiesWhatAnEarlierHeadLeft_andAHugeHeadGrowsTheArray() {
        HeadBytes.start().ascii("left over by a head that failed half-way");
        String big = "v".repeat(40_000);
        HeadBytes h = HeadBytes.start();
        h.header("x-big", big);
        assertEquals("x-big: " + big + "\r\n", text(h));
        HeadBytes again = HeadBytes.start();
        again.ascii("small");
        assertEquals("small", text(again));
    }
}
