package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportTest {
    @Test
    void newGroup_zero_meansOneLoopPerCore() {
        EventLoopGroup group = Transport.newGroup(0);
        try {
            assertEquals(Runtime.getRuntime().availableProcessors(),
                    ((MultiThreadIoEventLoopGroup) group).executorCount());
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void newGroup_negative_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transport.newGroup(-1));
        assertEquals("threads: -1 (expected: >= 0)", e.getMessage());
    }
}
