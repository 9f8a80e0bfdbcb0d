package io.llmgateway.demo;

import static java.util.Objects.requireNonNull;

import io.llmgateway.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in demo provider: a tiny OpenAI-compatible server on {@code 127.0.0.1} (ephemeral port)
 * that the gateway routes to when no {@code config.yaml} exists, so that a newcomer's first
 * {@code curl} or SDK call gets an answer (a friendly, deterministic text that quotes the request).
 *
 * <p>Serves {@code POST /v1/chat/completions} (JSON, or SSE with tokens 25 ms apart and OpenAI's
 * {@code stream_options.include_usage} rule), {@code POST /v1/completions}, {@code POST /v1/embeddings}
 * (8-float unit vectors derived from the input; {@code dimensions} and base64 honoured),
 * {@code POST /v1/responses} (non-streaming), Anthropic's {@code POST /v1/messages} (JSON, or its stream of
 * events) and {@code POST /v1/messages/count_tokens}, and {@code GET /v1/models}. Malformed bodies get the
 * path's API's 400 error shape, unknown paths 404.
 *
 * <p>It runs on the gateway's own event loop group: it answers from the request alone, so it adds
 * no blocking work and no threads.
 */
public final class DemoProvider implements AutoCloseable {

    /** The models the demo lists; it answers any model name it is sent, echoing it back. */
    public static final List<String> MODELS = List.of("demo", "demo-embedding");

    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DemoProvider(EventLoopGroup group, Clock clock) {
        this.group = group;
        connections = new DefaultChannelGroup("demo-provider", group.next());
        AtomicLong ids = new AtomicLong();
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(Transport.serverChannel(group))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(MAX_BODY_BYTES),
                                        new DemoHandler(clock, ids));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Starts the demo on {@code group}; {@code clock} supplies the {@code created} timestamps. */
    public static DemoProvider start(EventLoopGroup group, Clock clock) {
        return new DemoProvider(requireNonNull(group, "group"), requireNonNull(clock, "clock"));
    }

    /** Whether the listening socket is still open. */
    public boolean isListening() {
        return serverChannel.isActive();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT/v1}, the provider's {@code base_url}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port + "/v1");
    }

    /**
     * Stops listening and closes every open connection; the event loop group stays the caller's.
     * Waits for that unless called from one of the group's own threads (where waiting would deadlock).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Future<Void> serverClosed = serverChannel.close();
        Future<Void> connectionsClosed = connections.close();
        if (!onOwnLoop()) {
            serverClosed.awaitUninterruptibly(5, TimeUnit.SECONDS);
            connectionsClosed.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "DemoProvider(" + baseUrl() + ')';
    }

    private boolean onOwnLoop() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }
}
