package io.llmgateway.upstream;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.IoTransport;
import io.llmgateway.config.UpstreamSettings;
import io.llmgateway.server.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * Leases upstream HTTP/1.1 connections from pools kept per event loop and origin. A caller asks on its
 * own event loop and gets a channel of that loop, so the client and upstream sides of an exchange never
 * cross threads. Name resolution is asynchronous (Netty's DNS resolver), TLS verifies certificates and
 * host names.
 */
public final class UpstreamClient implements AutoCloseable {
    private final UpstreamSettings settings;
    private final SslContext sslContext;
    private final Map<String, SslContext> privateCaContexts = new ConcurrentHashMap<>();
    /** One per transport: the resolver's datagram channels must match the loops they run on. */
    private final Map<IoTransport, DnsAddressResolverGroup> resolvers = new ConcurrentHashMap<>();
    /** Every open provider connection, so that close() can end them while their loops still run. */
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Map<EventLoop, Map<String, UpstreamPool>> pools = new ConcurrentHashMap<>();
    private final AtomicInteger openTotal = new AtomicInteger();

    public UpstreamClient(UpstreamSettings settings) {
        this.settings = requireNonNull(settings, "settings");
        try {
            this.sslContext = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot initialise TLS", e);
        }
    }

    /**
     * A connected channel to {@code origin} on {@code loop}, which must be the caller's loop. Complete the
     * exchange with {@link #release} or close the channel when the exchange did not complete.
     */
    public Future<Channel> acquire(EventLoop loop, Origin origin, UpstreamListener listener) {
        UpstreamPool pool = pool(loop, origin);
        return pool.acquire().addListener(f -> {
            if (f.isSuccess()) {
                UpstreamHandler.of((Channel) f.getNow()).bind(listener);
            }
        });
    }

    /** Returns a channel whose exchange completed (full response read, keep-alive) to its pool. */
    public void release(EventLoop loop, Origin origin, Channel channel) {
        pool(loop, origin).release(channel);
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
            pool = new UpstreamPool(loop, origin, bootstrap(loop, origin), settings.maxConnectionsPerLoop(),
                    settings.acquireTimeout().toMillis(), settings.maxPendingAcquires(), openTotal);
            byOrigin.put(origin.poolKey(), pool);
        }
        return pool;
    }

    private Bootstrap bootstrap(EventLoop loop, Origin origin) {
        long idleMillis = settings.idleConnectionTimeout().toMillis();
        return new Bootstrap()
                .group(loop)
                .channel(Transport.clientChannel(loop))
                .resolver(resolver(loop))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, Transport.allocator())
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        if (origin.tls()) {
                            p.addLast(sslContextFor(origin).newHandler(ch.alloc(), origin.host(), origin.port()));
                        }
                        // A decoder only: requests go out as bytes (ProxyExchange writes their head itself), and
                        // they are all POSTs, so no response needs its request's method (as one to a HEAD would).
                        p.addLast(new HttpResponseDecoder(4096, 64 * 1024, 64 * 1024));
                        // Reader idle, not all idle: the same for a pooled channel (its last act was reading a
                        // response), and no listener on every write.
                        p.addLast(new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
                        p.addLast(new UpstreamHandler());
                    }
                });
    }

    /** The JDK's trusted authorities, or the provider's private CA file (read once, when first used). */
    private SslContext sslContextFor(Origin origin) {
        if (origin.caFile() == null) {
            return sslContext;
        }
        return privateCaContexts.computeIfAbsent(origin.caFile(), file -> {
            try {
                return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS")
                        .trustManager(new File(file)).build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot use ca_file " + file + ": " + e.getMessage(), e);
            }
        });
    }

    private DnsAddressResolverGroup resolver(EventLoop loop) {
        return resolvers.computeIfAbsent(Transport.of(loop), t -> new DnsAddressResolverGroup(
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
