package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ServerSettings;
import io.llmgateway.config.TlsSettings;
import io.llmgateway.tls.ServerCertificates;
import io.llmgateway.tls.TlsEngine;
import io.llmgateway.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** Binds the gateway's listeners (plain HTTP, TLS, or both) and owns its event loops. */
public final class GatewayServer implements AutoCloseable {
    /** How often the TLS listener's certificate files are looked at for a change. */
    static final Duration CERTIFICATE_POLL = Duration.ofSeconds(2);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Gateway gateway;
    private final Channel listener; // null without a plain listener
    private final Channel tlsListener; // null without a TLS listener
    private final AtomicBoolean closed = new AtomicBoolean();

    private GatewayServer(
            EventLoopGroup boss, EventLoopGroup workers, Gateway gateway, Channel listener, Channel tlsListener) {
        this.boss = boss;
        this.workers = workers;
        this.gateway = gateway;
        this.listener = listener;
        this.tlsListener = tlsListener;
    }

    /** Starts on {@code config.server()}; port 0 picks a free port (see {@link #port()}). */
    public static GatewayServer start(GatewayConfig config, EventLoopGroup workers, Clock clock)
            throws InterruptedException {
        return start(config, workers, clock, g -> {});
    }

    /** Like {@link #start(GatewayConfig, EventLoopGroup, Clock)}, running {@code setup} before the port opens. */
    public static GatewayServer start(
            GatewayConfig config, EventLoopGroup workers, Clock clock, Consumer<Gateway> setup)
            throws InterruptedException {
        return start(config, workers, clock, Ticker.systemTicker(), setup);
    }

    /**
     * Like {@link #start(GatewayConfig, EventLoopGroup, Clock, Consumer)}, with {@code ticker} for durations.
     *
     * @throws IllegalStateException naming the field when the TLS certificate or key cannot be used
     */
    public static GatewayServer start(
            GatewayConfig config, EventLoopGroup workers, Clock clock, Ticker ticker, Consumer<Gateway> setup)
            throws InterruptedException {
        requireNonNull(config, "config");
        ServerSettings settings = config.server();
        EventLoopGroup boss = Transport.newGroup(1, Transport.of(workers));
        Gateway gateway = new Gateway(config, clock, ticker, workers);
        Channel plain = null;
        try {
            ServerCertificates certificates = certificates(settings, clock);
            if (certificates != null) {
                gateway.useCertificates(certificates);
            }
            setup.accept(gateway);
            if (settings.hasPlainListener()) {
                plain = bind(boss, workers, new GatewayInitializer(gateway, null), settings, settings.port());
            }
            Channel tls = null;
            if (certificates != null) {
                tls = bind(
                        boss,
                        workers,
                        new GatewayInitializer(gateway, certificates),
                        settings,
                        settings.tls().port());
                certificates.startPolling(CERTIFICATE_POLL);
            }
            return new GatewayServer(boss, workers, gateway, plain, tls);
        } catch (RuntimeException | InterruptedException e) {
            if (plain != null) {
                plain.close().syncUninterruptibly();
            }
            gateway.close();
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    private static ServerCertificates certificates(ServerSettings settings, Clock clock) {
        TlsSettings tls = settings.tls();
        if (tls == null) {
            return null;
        }
        return ServerCertificates.load(
                tls.certFile(), tls.keyFile(), tls.protocols(), TlsEngine.provider(), settings.http2(), clock);
    }

    private static Channel bind(
            EventLoopGroup boss,
            EventLoopGroup workers,
            GatewayInitializer initializer,
            ServerSettings settings,
            int port)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(boss, workers)
                .channel(Transport.serverChannel(workers))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, Transport.allocator())
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(initializer)
                .bind(settings.host(), port)
                .sync()
                .channel();
    }

    /** The plain HTTP listener's port, or {@link ServerSettings#NO_LISTENER} when there is none. */
    public int port() {
        return listener == null ? ServerSettings.NO_LISTENER : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The TLS listener's port, or {@link ServerSettings#NO_LISTENER} when there is none. */
    public int tlsPort() {
        return tlsListener == null
                ? ServerSettings.NO_LISTENER
                : ((InetSocketAddress) tlsListener.localAddress()).getPort();
    }

    /** Whether a listening socket is still open. */
    public boolean isListening() {
        return (listener != null && listener.isActive()) || (tlsListener != null && tlsListener.isActive());
    }

    public Gateway gateway() {
        return gateway;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    /**
     * Stops accepting, lets running requests and streams finish for up to {@code grace}, then closes every
     * connection. Answers given meanwhile ask clients to close their keep-alive connections.
     *
     * @return the number of requests still running when the grace period ended (0 = a clean drain)
     */
    public int shutdownGracefully(Duration grace) {
        closeListeners();
        gateway.startDraining();
        Http2Front.goAway(gateway.connections());
        Ticker ticker = gateway.ticker();
        long deadline = ticker.nanoTime() + grace.toNanos();
        while (gateway.inFlight() > 0 && ticker.nanoTime() < deadline) {
            try {
                ticker.sleepMillis(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = gateway.inFlight();
        close(); // closes every connection, as the grace period is over
        return left;
    }

    /**
     * Stops accepting, closes the listener and every client and provider connection; the caller shuts the
     * worker group down afterwards (connections left to the loops' shutdown can leak a read buffer with
     * io_uring). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeListeners();
        gateway.connections().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        boss.shutdownGracefully(100, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly(); // see Main's stop
        gateway.close();
    }

    private void closeListeners() {
        for (Channel ch : new Channel[] {listener, tlsListener}) {
            if (ch != null) {
                ch.close().syncUninterruptibly();
            }
        }
    }
}
