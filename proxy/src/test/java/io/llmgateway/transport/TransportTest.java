package io.llmgateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmgateway.config.IoTransport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportTest {
    @Test
    void newGroup_zero_meansOneLoopPerCore() {
        EventLoopGroup group = Transport.newGroup(0);
        try {
            assertEquals(
                    Runtime.getRuntime().availableProcessors(), ((MultiThreadIoEventLoopGroup) group).executorCount());
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void newGroup_negative_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transport.newGroup(-1));
        assertEquals("threads: -1 (expected: >= 0)", e.getMessage());
    }

    @Test
    void auto_isTheBestTransportHere() {
        IoTransport expected = Transport.isAvailable(IoTransport.IO_URING)
                ? IoTransport.IO_URING
                : Transport.isAvailable(IoTransport.EPOLL) ? IoTransport.EPOLL : IoTransport.NIO;
        assertEquals(expected, Transport.resolve(IoTransport.AUTO));
        EventLoopGroup group = Transport.newGroup(1);
        try {
            assertEquals(expected, Transport.of(group));
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void eachTransport_getsItsOwnChannelClasses() {
        assertChannels(IoTransport.NIO, NioServerSocketChannel.class, NioSocketChannel.class);
        if (Transport.isAvailable(IoTransport.EPOLL)) {
            assertChannels(IoTransport.EPOLL, EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        if (Transport.isAvailable(IoTransport.IO_URING)) {
            assertChannels(IoTransport.IO_URING, IoUringServerSocketChannel.class, IoUringSocketChannel.class);
        }
    }

    @Test
    void ioUring_multishotPollsAreOff() throws Exception {
        // What Netty's IoUring read when it initialised (a private constant): the property must have been set
        // before that, by Transport, whatever loaded IoUring first in this JVM.
        Transport.configureNetty();
        Field enabled = IoUring.class.getDeclaredField("IORING_POLL_ADD_MULTISHOT_ENABLED");
        enabled.setAccessible(true);
        assertFalse(enabled.getBoolean(null));
        assertEquals("false", System.getProperty("io.netty.iouring.pollAddMultishotEnabled"));
    }

    private static void assertChannels(IoTransport transport, Class<?> server, Class<?> client) {
        EventLoopGroup group = Transport.newGroup(1, transport);
        try {
            assertEquals(transport, Transport.of(group));
            assertEquals(server, Transport.serverChannel(group));
            assertEquals(client, Transport.clientChannel(group));
            assertEquals(client, Transport.clientChannel(group.next()));
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }
}
