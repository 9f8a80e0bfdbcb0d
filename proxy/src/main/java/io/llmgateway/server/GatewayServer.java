package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
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

/** Binds the gateway's listener and owns its event loops. */
public final class GatewayServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Gateway gateway;
    private final Channel listener;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GatewayServer(EventLoopGroup boss, EventLoopGroup workers, Gateway gateway, Channel listener) {
        this.boss = boss;
        this.workers = workers;
        this.gateway = gateway;
        this.listener = listener;
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

    /** Like {@link #start(GatewayConfig, EventLoopGroup, Clock, Consumer)}, with {@code ticker} for durations. */
    public static GatewayServer start(
            GatewayConfig config, EventLoopGroup workers, Clock clock, Ticker ticker, Consumer<Gateway> setup)
            throws InterruptedException {
        requireNonNull(config, "config");
        EventLoopGroup boss = Transport.newGroup(1, Transport.of(workers));
        Gateway gateway = new Gateway(config, clock, ticker, workers);
        try {
            setup.accept(gateway);
            Channel ch = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(Transport.serverChannel(workers))
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOCATOR, Transport.allocator())
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(new GatewayInitializer(gateway))
                    .bind(config.server().host(), config.server().port())
                    .sync()
                    .channel();
            return new GatewayServer(boss, workers, gateway, ch);
        } catch (RuntimeException | InterruptedException e) {
            gateway.close();
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Whether the listening socket is still open. */
    public boolean isListening() {
        return listener.isActive();
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
        listener.close().syncUninterruptibly();
        gateway.startDraining();
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
        listener.close().syncUninterruptibly();
        gateway.connections().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        boss.shutdownGracefully(100, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly(); // see Main's stop
        gateway.close();
    }
}
