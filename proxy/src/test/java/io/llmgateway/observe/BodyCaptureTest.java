package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyCaptureTest {

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void add_keepsEverythingUnderTheCap_acrossChunks_withoutMovingIndexes() {
        BodyCapture c = new BodyCapture(100);
        ByteBuf a = buf("hello ");
        ByteBuf b = buf("world");

        c.add(a);
        c.add(b);

        assertEquals("hello world", c.text());
        assertEquals(6, a.readableBytes());
        a.release();
        b.release();
    }

    @Test
    void add_overTheCap_isCutAndMarkedWithTheFullSize() {
        BodyCapture c = new BodyCapture(5);
        ByteBuf a = buf("abcdefgh");

        c.add(a);

        assertEquals("abcde...[truncated: 8 bytes]", c.text());
        a.release();
    }

    @Test
    void text_neverSplitsAMultiByteCharacter() {
        // "é" is 2 bytes, "€" is 3, "😀" is 4: a cap inside any of them drops the whole character.
        assertEquals("a...[truncated: 3 bytes]", capture("aé", 2));
        assertEquals("aé...[truncated: 6 bytes]", capture("aé€", 4));
        assertEquals("aé...[truncated: 6 bytes]", capture("aé€", 5));
        assertEquals("aé€", capture("aé€", 6));
        assertEquals("x...[truncated: 5 bytes]", capture("x😀", 4));
        assertEquals("x😀", capture("x😀", 5));
    }

    private static String capture(String text, int cap) {
        ByteBuf b = buf(text);
        try {
            return BodyCapture.text(b, cap);
        } finally {
            b.release();
        }
    }
}
