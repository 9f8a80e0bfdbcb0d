package io.llmgateway.testing;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible provider for tests and the load harness: listens on {@code 127.0.0.1}, records
 * every request and answers each with a {@link Behaviour}: the next {@link #enqueue enqueued} one-shot
 * behaviour if any, else the {@link #setDefault default} one (a chat completion echoing the request's
 * model, usage 10/5/15).
 *
 * <p>Design notes: by default one event-loop thread of its own, so the mock never competes with the
 * gateway's loops. Connections are numbered in accept order; every {@link RecordedRequest} carries its
 * connection's number, so a test can assert keep-alive reuse (same number) or that the gateway closed
 * the upstream connection of an aborted exchange ({@link #connectionClosed(int)}). Under load
 * ({@link #startUnrecorded}) nothing is kept per request, so that the mock runs for as long as the load does.
 */
public class MockProvider implements AutoCloseable {

    /** The default answer's content. */
    public static final String DEFAULT_CONTENT = "Hello from the mock upstream!";

    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final int port;
    private final boolean tls;
    private final boolean recording;
    private final MockHttp2 http2; // null: HTTP/1.1
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile Behaviour defaultBehaviour = Behaviour.chatCompletion(DEFAULT_CONTENT);
    private final ConcurrentLinkedQueue<Behaviour> oneShots = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>();
    private final AtomicLong answerIds = new AtomicLong();

    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Void>> closeFutures = new ConcurrentHashMap<>();
    private final Object closeMonitor = new Object();

    /**
     * @param ssl a server context for https, or null for http
     * @param group the event loops to serve on (closed with the mock)
     * @param channel the server channel type matching {@code group}
     * @param port the port on 127.0.0.1, 0 for any free one
     * @param recording whether every request is kept for {@link #requests} and {@link #takeRequest}
     */
    protected MockProvider(
            SslContext ssl, EventLoopGroup group, Class<? extends ServerChannel> channel, int port, boolean recording) {
        this(ssl, null, group, channel, port, recording);
    }

    /**
     * @param http2 the SETTINGS of an HTTP/2 mock (h2c with prior knowledge, or h2 over {@code ssl}, which must
     *              then offer h2 by ALPN), or null for HTTP/1.1
     * @see #MockProvider(SslContext, EventLoopGroup, Class, int, boolean)
     */
    protected MockProvider(
            SslContext ssl,
            Http2Settings http2,
            EventLoopGroup group,
            Class<? extends ServerChannel> channel,
            int port,
            boolean recording) {
        this.tls = ssl != null;
        this.http2 = http2 == null ? null : new MockHttp2(this, http2, MAX_BODY_BYTES);
        this.group = requireNonNull(group, "group");
        this.recording = recording;
        requireNonNull(channel, "channel");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        try {
            serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            int id = connectionOpened(ch);
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                            }
                            if (MockProvider.this.http2 != null) {
                                MockProvider.this.http2.configure(ch, id);
                                return;
                            }
                            ch.pipeline()
                                    .addLast(
                                            new HttpServerCodec(),
                                            new HttpObjectAggregator(MAX_BODY_BYTES),
                                            new MockHandler(MockProvider.this, id));
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** {@code ssl} may be null: the constructor of a mock on one NIO event loop and an ephemeral port. */
    protected MockProvider(SslContext ssl) {
        this(ssl, newLoop(), NioServerSocketChannel.class, 0, true);
    }

    /** {@code ssl} may be null: an HTTP/2 mock with {@code settings} on one NIO event loop and an ephemeral port. */
    protected MockProvider(SslContext ssl, Http2Settings settings) {
        this(ssl, requireNonNull(settings, "settings"), newLoop(), NioServerSocketChannel.class, 0, true);
    }

    private static EventLoopGroup newLoop() {
        return new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("mock-upstream", true), NioIoHandler.newFactory());
    }

    /** Starts a mock on an ephemeral port of 127.0.0.1. */
    public static MockProvider start() {
        return new MockProvider(null);
    }

    /**
     * Starts a mock for load: it keeps no requests ({@link #requests} stays empty).
     *
     * @param group the event loops to serve on (closed with the mock)
     * @param channel the server channel type matching {@code group}
     * @param port the port on 127.0.0.1, 0 for any free one
     */
    public static MockProvider startUnrecorded(EventLoopGroup group, Class<? extends ServerChannel> channel, int port) {
        return new MockProvider(null, group, channel, port, false);
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT/v1} (https with TLS), what a provider's {@code base_url} would be. */
    public URI baseUrl() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + "/v1");
    }

    /** Sets the behaviour used when no one-shot behaviour is queued. */
    public void setDefault(Behaviour behaviour) {
        defaultBehaviour = requireNonNull(behaviour, "behaviour");
    }

    /** Queues behaviours, each used for exactly one request, in order, before the default. */
    public void enqueue(Behaviour... behaviours) {
        for (Behaviour b : behaviours) {
            oneShots.add(requireNonNull(b, "behaviour"));
        }
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * Returns the oldest request not yet taken, waiting up to {@code timeout}; {@code null} on timeout.
     */
    public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
        return untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** An HTTP/2 mock's most streams open at the same time, over all its connections. */
    public int maxOpenStreams() {
        return h2().maxOpenStreams();
    }

    /** How many streams an HTTP/2 mock's client reset (RST_STREAM). */
    public int streamResets() {
        return h2().resets();
    }

    /**
     * An HTTP/2 mock sends GOAWAY on each connection and closes it once its streams in flight have finished;
     * new connections are still accepted.
     */
    public void goAway() {
        h2().goAway();
    }

    private MockHttp2 h2() {
        if (http2 == null) {
            throw new IllegalStateException("not an HTTP/2 mock");
        }
        return http2;
    }

    public int connectionsAccepted() {
        return accepted.get();
    }

    public int openConnections() {
        return open.get();
    }

    public int connectionsClosed() {
        return closedConnections.get();
    }

    /** Completes when connection {@code connectionId} (see {@link RecordedRequest#connectionId()}) closes. */
    public CompletableFuture<Void> connectionClosed(int connectionId) {
        if (connectionId < 1) {
            throw new IllegalArgumentException("connectionId: " + connectionId + " (expected: >= 1)");
        }
        return closeFutures.computeIfAbsent(connectionId, id -> new CompletableFuture<>());
    }

    /** Waits until at least {@code count} connections have closed; returns whether that happened in time. */
    public boolean awaitConnectionsClosed(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (closeMonitor) {
            while (closedConnections.get() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(closeMonitor, left);
            }
            return true;
        }
    }

    /** Closes every connection and the event loop, without a quiet period. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            serverChannel.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + '(' + baseUrl() + ')';
    }

    // ---- called by MockHandler on the event loop ----

    Behaviour nextBehaviour() {
        Behaviour b = oneShots.poll();
        return b != null ? b : defaultBehaviour;
    }

    long nextAnswerId() {
        return answerIds.incrementAndGet();
    }

    boolean recording() {
        return recording;
    }

    void record(RecordedRequest request) {
        requests.add(request);
        untaken.add(request);
    }

    private int connectionOpened(Channel ch) {
        int id = accepted.incrementAndGet();
        open.incrementAndGet();
        ch.closeFuture().addListener(f -> {
            open.decrementAndGet();
            closedConnections.incrementAndGet();
            // Unrecorded (under load), a future is kept only for a connection someone asked about.
            CompletableFuture<Void> done = recording ? connectionClosed(id) : closeFutures.remove(id);
            if (done != null) {
                done.complete(null);
            }
            synchronized (closeMonitor) {
                closeMonitor.notifyAll();
            }
        });
        return id;
    }
}
