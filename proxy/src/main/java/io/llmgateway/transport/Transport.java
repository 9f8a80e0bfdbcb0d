package io.llmgateway.transport;

import io.llmgateway.config.IoTransport;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/*
 * Design notes
 * - io_uring first: at c=64 on two cores it served 1.15-1.34 times epoll's requests per second, with a third
 *   less CPU per request (fewer system calls and context switches; docs/performance.md, "Running it fast").
 * - Netty's io_uring transport, with its default multishot POLL_ADD, sometimes missed a provider resetting
 *   its connection right after sending data: the stream then hung until the idle timeout (6 of 24 fresh
 *   connections in a reproduction, 1 in 6 runs of SecretCanaryTest). With one-shot polls: 0 of 60, and
 *   the suite green. So multishot polls are off unless -Dio.netty.iouring.pollAddMultishotEnabled says
 *   otherwise; the property must be set before Netty's IoUring class initialises, hence this static block
 *   and configureNetty(), which Main calls first thing (Lettuce's static initialisation loads IoUring too).
 * - The channel classes follow the group they are registered with, so a group decides everything.
 */
/** Creates event-loop groups for {@code server.transport} and picks the channel classes that match them. */
public final class Transport {
    private static final String MULTISHOT_POLL = "io.netty.iouring.pollAddMultishotEnabled";

    static {
        if (System.getProperty(MULTISHOT_POLL) == null) {
            System.setProperty(MULTISHOT_POLL, "false");
        }
    }

    /**
     * Netty 4.2's default (adaptive) allocator hands buffers between threads through shared queues; nearly
     * every buffer of ours is allocated and released on the same event loop, where the pooled allocator's
     * per-thread cache is cheaper (more requests per second and less CPU per request under load).
     * {@code -Dio.netty.allocator.type} still chooses, when given.
     */
    private static final ByteBufAllocator ALLOCATOR = System.getProperty("io.netty.allocator.type") == null
            ? PooledByteBufAllocator.DEFAULT
            : ByteBufAllocator.DEFAULT;

    private Transport() {}

    /**
     * Sets Netty's io_uring options (this class's initialisation does it). Call it before anything else can
     * load Netty's io_uring classes, which read them once: Lettuce, the Redis client, does when it starts.
     */
    public static void configureNetty() {
        // Nothing more: the static block above has run by the time this is called.
    }

    /** A group on the best transport this machine offers ({@link IoTransport#AUTO}). */
    public static EventLoopGroup newGroup(int threads) {
        return newGroup(threads, IoTransport.AUTO);
    }

    /**
     * @param threads event-loop threads; 0 means one per core (what server.io_threads documents; Netty's own
     *                default is two per core, which on a small machine only adds context switches)
     * @param transport what {@code server.transport} asks for
     * @throws IllegalStateException when an explicitly chosen transport is not available here (with why)
     */
    public static EventLoopGroup newGroup(int threads, IoTransport transport) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0)");
        }
        IoHandlerFactory factory = switch (resolve(transport)) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(
                threads == 0 ? Runtime.getRuntime().availableProcessors() : threads, factory);
    }

    /** Whether {@code transport} can run here ({@link IoTransport#AUTO} always can). */
    public static boolean isAvailable(IoTransport transport) {
        return switch (transport) {
            case AUTO, NIO -> true;
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
        };
    }

    /** The transport {@code transport} stands for on this machine: never {@link IoTransport#AUTO}. */
    static IoTransport resolve(IoTransport transport) {
        return switch (transport) {
            case AUTO ->
                isAvailable(IoTransport.IO_URING)
                        ? IoTransport.IO_URING
                        : isAvailable(IoTransport.EPOLL) ? IoTransport.EPOLL : IoTransport.NIO;
            case IO_URING -> available(transport, IoUring.unavailabilityCause());
            case EPOLL -> available(transport, Epoll.unavailabilityCause());
            case NIO -> IoTransport.NIO;
        };
    }

    private static IoTransport available(IoTransport transport, Throwable unavailabilityCause) {
        if (unavailabilityCause != null) {
            throw new IllegalStateException("server.transport: " + transport.configName()
                    + " is not available on this machine (" + unavailabilityCause
                    + "); use auto, which falls back to the next best");
        }
        return transport;
    }

    /** The transport of {@code group}'s event loops. */
    public static IoTransport of(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            if (io.isIoType(IoUringIoHandler.class)) {
                return IoTransport.IO_URING;
            }
            if (io.isIoType(EpollIoHandler.class)) {
                return IoTransport.EPOLL;
            }
            if (io.isIoType(NioIoHandler.class)) {
                return IoTransport.NIO;
            }
        }
        throw new IllegalArgumentException("group: " + group.getClass().getName()
                + " (expected: a MultiThreadIoEventLoopGroup with an io_uring, epoll or NIO IoHandler)");
    }

    /** The buffer allocator of every client and provider connection. */
    public static ByteBufAllocator allocator() {
        return ALLOCATOR;
    }

    public static Class<? extends ServerSocketChannel> serverChannel(EventLoopGroup group) {
        return switch (of(group)) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            default -> NioServerSocketChannel.class;
        };
    }

    public static Class<? extends SocketChannel> clientChannel(EventLoopGroup group) {
        return switch (of(group)) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            default -> NioSocketChannel.class;
        };
    }

    /** For the DNS resolver, whose channels live on the same loops. */
    public static Class<? extends DatagramChannel> datagramChannel(EventLoopGroup group) {
        return switch (of(group)) {
            case IO_URING -> IoUringDatagramChannel.class;
            case EPOLL -> EpollDatagramChannel.class;
            default -> NioDatagramChannel.class;
        };
    }
}
