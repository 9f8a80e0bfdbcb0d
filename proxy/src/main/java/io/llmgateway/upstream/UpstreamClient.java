package io.llmgateway.upstream;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.IoTransport;
import io.llmgateway.config.UpstreamSettings;
import io.llmgateway.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Ticker;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Leases upstream HTTP/1.1 connections, or streams of shared HTTP/2 connections for an {@link Origin#http2}
 * provider, from pools kept per event loop and origin. A caller asks on its
 * own event loop and gets a channel of that loop, so the client and upstream sides of an exchange never
 * cross threads. Name resolution is asynchronous (Netty's DNS resolver), TLS verifies certificates and
 * host names.
 *
 * <p>A request that fails on a reused connection before any byte of its answer arrived is most likely the
 * victim of the provider closing that connection as idle while the request was under way: callers retry
 * it once on a new connection ({@link #reusedAndUnanswered}, {@link #acquireFresh}), and the pools close
 * connections idle for {@code upstream.idle_connection_timeout} before providers commonly do.
 */
public final class UpstreamClient implements AutoCloseable {
    private final UpstreamSettings settings;
    private final Ticker ticker;
    private final ProviderTls tls = new ProviderTls();
    /** One per transport: the resolver's datagram channels must match the loops they run on. */
    private final Map<IoTransport, DnsAddressResolverGroup> resolvers = new ConcurrentHashMap<>();
    /** Every open provider connection, so that close() can end them while their loops still run. */
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private final Map<EventLoop, Map<String, UpstreamPool>> pools = new ConcurrentHashMap<>();
    private final Map<EventLoop, Map<String, H2Pool>> h2Pools = new ConcurrentHashMap<>();
    private final AtomicInteger openTotal = new AtomicInteger();

    /** @param ticker the time of pooled connections' idle periods (the gateway's) */
    public UpstreamClient(UpstreamSettings settings, Ticker ticker) {
        this.settings = requireNonNull(settings, "settings");
        this.ticker = requireNonNull(ticker, "ticker");
    }

    /**
     * A connected channel to {@code origin} on {@code loop}, which must be the caller's loop. Complete the
     * exchange with {@link #release} or close the channel when the exchange did not complete. For an
     * {@link Origin#http2} origin it is a stream of a shared connection ({@link #multiplexed}) unless the
     * provider's ALPN chose HTTP/1.1; closing it resets that stream only.
     */
    public Future<Channel> acquire(EventLoop loop, Origin origin, UpstreamListener listener) {
        return lease(loop, origin, listener, false);
    }

    /**
     * Like {@link #acquire}, but a new connection rather than an idle one, unless the pool is full: for the
     * one retry of a request whose reused connection failed before answering.
     */
    public Future<Channel> acquireFresh(EventLoop loop, Origin origin, UpstreamListener listener) {
        return lease(loop, origin, listener, true);
    }

    private Future<Channel> lease(EventLoop loop, Origin origin, UpstreamListener listener, boolean fresh) {
        Future<Channel> leased = origin.http2()
                ? h2Pool(loop, origin).acquire(fresh)
                : pool(loop, origin).acquire(fresh);
        return leased.addListener(f -> {
            if (f.isSuccess()) {
                UpstreamHandler.of((Channel) f.getNow()).bind(listener);
            }
        });
    }

    /**
     * Whether {@code channel}, which is failing, had served an earlier exchange and received not one byte of
     * the current one's answer. Then the provider most likely closed it as idle while the request was on
     * its way (a race no client avoids), which says nothing about the provider: the request may be sent
     * again, once, on a new connection ({@link #acquireFresh}) without counting a failure. Call it before
     * discarding the channel.
     */
    public static boolean reusedAndUnanswered(Channel channel) {
        UpstreamHandler h = channel == null ? null : UpstreamHandler.of(channel);
        return h != null && h.reusedAndUnanswered();
    }

    /**
     * Sends a request of the gateway's own (a health check) over the pools of {@code loop}, with the
     * provider's TLS settings, the call's deadline and body cap. The future completes on {@code loop}, with
     * a {@link java.util.concurrent.TimeoutException} at the deadline, the connect or I/O error, a
     * {@link PoolExhaustedException}, or the answer.
     */
    public CompletableFuture<UpstreamAnswer> call(EventLoop loop, Origin origin, UpstreamCall call) {
        requireNonNull(loop, "loop");
        requireNonNull(origin, "origin");
        CallExchange exchange = new CallExchange(this, loop, origin, requireNonNull(call, "call"));
        try {
            loop.execute(exchange::start);
        } catch (RejectedExecutionException shuttingDown) {
            exchange.result.completeExceptionally(shuttingDown);
        }
        return exchange.result;
    }

    /**
     * Whether {@code channel} is a stream of an HTTP/2 connection: then the request goes as a headers frame
     * ({@code Http2HeadersFrame}, with {@code :method}, {@code :path}, {@code :scheme}, {@code :authority} and no
     * connection-specific header) followed by the body as one ByteBuf, which ends the stream; else as HTTP/1.1
     * bytes.
     */
    public static boolean multiplexed(Channel channel) {
        return channel instanceof Http2StreamChannel;
    }

    /** Returns a channel whose exchange completed (full response read, keep-alive) to its pool. */
    public void release(EventLoop loop, Origin origin, Channel channel) {
        if (multiplexed(channel)) {
            // The stream ended with the answer; its slot frees when the channel closes.
            discard(channel);
        } else {
            pool(loop, origin.http1()).release(channel);
        }
    }

    /** Stops events of {@code channel} from reaching its exchange and closes it. */
    public static void discard(Channel channel) {
        UpstreamHandler handler = UpstreamHandler.of(channel);
        if (handler != null) {
            handler.unbind();
        }
        channel.close();
    }

    /** Open (or opening) upstream connections over all loops and origins; safe to read from any thread. */
    public int openConnections() {
        return openTotal.get();
    }

    private UpstreamPool pool(EventLoop loop, Origin origin) {
        // Looked up twice per request: plain gets first, so that the hit allocates no capturing lambda.
        Map<String, UpstreamPool> byOrigin = pools.get(loop);
        if (byOrigin == null) {
            byOrigin = pools.computeIfAbsent(loop, l -> new HashMap<>());
        }
        // The inner map is only touched by `loop` itself, so it needs no synchronisation.
        UpstreamPool pool = byOrigin.get(origin.poolKey());
        if (pool == null) {
            pool = new UpstreamPool(
                    loop,
                    origin,
                    bootstrap(loop).handler(http1Pipeline(origin)),
                    settings.maxConnectionsPerLoop(),
                    settings.acquireTimeout().toMillis(),
                    settings.maxPendingAcquires(),
                    settings.idleConnectionTimeout().toNanos(),
                    ticker,
                    openTotal);
            byOrigin.put(origin.poolKey(), pool);
        }
        return pool;
    }

    private H2Pool h2Pool(EventLoop loop, Origin origin) {
        Map<String, H2Pool> byOrigin = h2Pools.get(loop);
        if (byOrigin == null) {
            byOrigin = h2Pools.computeIfAbsent(loop, l -> new HashMap<>());
        }
        H2Pool pool = byOrigin.get(origin.poolKey());
        if (pool == null) {
            H2Pipeline pipeline = new H2Pipeline(origin, origin.tls() ? tls.contextFor(origin) : null, channels);
            Origin http1 = origin.http1();
            pool = new H2Pool(
                    loop, origin, bootstrap(loop), pipeline, () -> pool(loop, http1), settings, ticker, openTotal);
            byOrigin.put(origin.poolKey(), pool);
        }
        return pool;
    }

    private Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(Transport.clientChannel(loop))
                .resolver(resolver(loop))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, Transport.allocator())
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        settings.connectTimeout().toMillis());
    }

    private ChannelInitializer<Channel> http1Pipeline(Origin origin) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                ChannelPipeline p = ch.pipeline();
                if (origin.tls()) {
                    // The JDK's trusted authorities, or the provider's private CA file (read once, when first used).
                    p.addLast(tls.contextFor(origin).newHandler(ch.alloc(), origin.host(), origin.port()));
                }
                ResponseDecoder decoder = new ResponseDecoder();
                p.addLast(decoder);
                p.addLast(new UpstreamHandler(ch, decoder));
            }
        };
    }

    private DnsAddressResolverGroup resolver(EventLoop loop) {
        return resolvers.computeIfAbsent(
                Transport.of(loop),
                t -> new DnsAddressResolverGroup(
                        new DnsNameResolverBuilder().datagramChannelType(Transport.datagramChannel(loop))));
    }

    /**
     * Closes every provider connection and waits (up to 2 s) until they are closed. Call it before the
     * event loops shut down: a connection still open then is torn down by the loop's own shutdown, which
     * with io_uring can leave a read buffer unreleased.
     */
    @Override
    public void close() {
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        resolvers.values().forEach(DnsAddressResolverGroup::close);
    }
}
