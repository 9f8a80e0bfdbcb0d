package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class ServerTimingTest {

    private static String written(long preNanos, long postNanos) {
        HeadBytes h = HeadBytes.start();
        ServerTiming.write(h, preNanos, postNanos);
        return HeadText.of(h.toBuffer(UnpooledByteBufAllocator.DEFAULT));
    }

    @Test
    void write_millisWithThreeDecimals_roundedToTheMicrosecond() {
        assertEquals("server-timing: gw-pre;dur=0.183, gw-post;dur=0.041\r\n", written(183_400, 40_500));
        assertEquals("server-timing: gw-pre;dur=0.000, gw-post;dur=0.001\r\n", written(499, 500));
        assertEquals("server-timing: gw-pre;dur=12.000, gw-post;dur=1.010\r\n", written(11_999_600, 1_010_000));
        assertEquals("server-timing: gw-pre;dur=0.000, gw-post;dur=0.000\r\n", written(-5, 0));
    }

    @Test
    void value_isTheSameText_orTheTotalWhenNoProviderAnswered() {
        assertEquals("gw-pre;dur=0.183, gw-post;dur=0.041", ServerTiming.value(183_400, 40_500));
        assertEquals("gw-pre;dur=2.005, gw-post;dur=0.000", ServerTiming.value(2_005_000, 0));
        assertEquals("gw-total;dur=0.090", ServerTiming.value(90_000, -1));
        assertEquals("gw-total;dur=1500.000", ServerTiming.value(1_500_000_000, -1));
    }
}
