package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Failure;
import io.llmgateway.trace.ExchangeTrace;
import io.llmgateway.upstream.Origin;
import io.llmgateway.upstream.PoolExhaustedException;
import io.llmgateway.upstream.UpstreamClient;
import io.llmgateway.upstream.UpstreamListener;
import io.llmgateway.util.ShortText;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.Future;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An exchange's connection to the current attempt's provider: leases a channel from the pools of the
 * exchange's own event loop, sends the request on it, sends it again once on a new connection when a reused
 * one fails before answering, and returns the channel to its pool or discards it. One per exchange, reused
 * by each attempt; confined to the exchange's event loop.
 */
final class UpstreamLeg {
    // The exchange's logger: what happens to a request's connection is logged under the exchange's name.
    private static final Logger LOG = LogManager.getLogger(ProxyExchange.class);

    /** The exchange the leg serves; it also receives the channel's events. */
    interface Owner extends UpstreamListener {
        /**
         * A channel is leased for the current attempt: the owner sends the request ({@link UpstreamLeg#sendRequest}).
         */
        void leased(Channel channel);

        /** No channel could be leased for the current attempt. */
        void leaseFailed(Failure kind, String why);

        /** Writing the request failed on the current channel. */
        void sendFailed(Throwable cause);
    }

    private final EventLoop loop;
    private final UpstreamClient pools;
    private final Owner owner;
    private final String requestId;
    private final ExchangeTrace trace;
    private Origin origin;
    private String provider; // for app.log
    private String alias; // the model's name at the provider
    private String authorization; // the value of the provider's key header, or null
    private Channel channel;
    private int lease; // counts leases: a lease that completes after its attempt ended is not the owner's
    private boolean leasing;
    private boolean retried; // in this attempt, see retryOnNewConnection()

    UpstreamLeg(EventLoop loop, UpstreamClient pools, Owner owner, String requestId) {
        this(loop, pools, owner, requestId, ExchangeTrace.OFF);
    }

    /** @param trace gives the request's trace context to the provider */
    UpstreamLeg(EventLoop loop, UpstreamClient pools, Owner owner, String requestId, ExchangeTrace trace) {
        this.loop = requireNonNull(loop, "loop");
        this.pools = requireNonNull(pools, "pools");
        this.owner = requireNonNull(owner, "owner");
        this.requestId = requestId;
        this.trace = requireNonNull(trace, "trace");
    }

    /**
     * Starts {@code attempt}, to its provider's origin and with its key as {@code snapshot} has them: leases a
     * channel, reported to {@link Owner#leased}.
     */
    void open(Attempt attempt, Gateway.Snapshot snapshot) {
        this.provider = attempt.provider();
        this.origin = requireNonNull(snapshot.origin(attempt), "origin");
        this.alias = attempt.alias();
        this.authorization = snapshot.authorization(provider);
        retried = false;
        lease(false);
    }

    private void lease(boolean fresh) {
        Future<Channel> leased = fresh ? pools.acquireFresh(loop, origin, owner) : pools.acquire(loop, origin, owner);
        int mine = ++lease;
        Origin leasedFrom = origin;
        leasing = true;
        leased.addListener(f -> {
            boolean current = mine == lease && leasing;
            if (f.isSuccess()) {
                Channel ch = (Channel) f.getNow();
                if (!current) {
                    // This attempt already ended (timeout, client gone): the channel is still good for others.
                    pools.release(loop, leasedFrom, ch);
                    return;
                }
                leasing = false;
                channel = ch;
                owner.leased(ch);
            } else if (current) {
                leasing = false;
                Throwable cause = f.cause();
                Failure kind = cause instanceof PoolExhaustedException
                        ? Failure.LOCAL_OVERLOAD
                        : cause instanceof ConnectTimeoutException ? Failure.TIMEOUT : Failure.CONNECT;
                owner.leaseFailed(kind, describe(cause));
            }
        });
    }

    /**
     * Sends the client's {@code request} (read as {@code info}, to the gateway's {@code pathSuffix}) on the
     * leased channel, as {@code dialect} writes it for this attempt's provider. False, with nothing sent, when
     * its target would split the request line.
     *
     * @throws BadRequestException with nothing sent, when the dialect cannot write the request for its provider
     */
    boolean sendRequest(FullHttpRequest request, RequestFacts info, ProviderDialect dialect, String pathSuffix)
            throws BadRequestException {
        ByteBuf body = dialect.body(channel.alloc(), request.content(), info, alias);
        Object head;
        try {
            String target = dialect.target(origin.basePath(), pathSuffix, alias);
            head = UpstreamClient.multiplexed(channel)
                    ? UpstreamRequestHeaders.frame(
                            target,
                            request.headers(),
                            origin.tls(),
                            origin.authority(),
                            body.readableBytes(),
                            requestId,
                            dialect.keyHeader(),
                            authorization,
                            dialect,
                            trace)
                    : UpstreamRequestHead.encode(
                            channel.alloc(),
                            target,
                            request.headers(),
                            origin.authority(),
                            body.readableBytes(),
                            requestId,
                            dialect.keyHeader(),
                            authorization,
                            dialect,
                            trace);
        } catch (IllegalArgumentException e) { // a target that would split the request line: never sent
            body.release();
            LOG.warn("[{}] {}", requestId, ShortText.cap(e.getMessage(), 512));
            return false;
        }
        send(head, body);
        return true;
    }

    /**
     * Sends the request's head and body (bytes, not an HttpRequest: the upstream pipeline has only a
     * response decoder; on an HTTP/2 stream the head is a headers frame, {@link UpstreamClient#multiplexed}). A
     * failed write is reported to {@link Owner#sendFailed} while the channel is current.
     */
    void send(Object head, ByteBuf body) {
        Channel ch = channel;
        ch.write(head);
        ch.writeAndFlush(body).addListener(w -> {
            if (!w.isSuccess() && channel == ch) {
                owner.sendFailed(w.cause());
            }
        });
    }

    /**
     * A reused connection that failed before any byte of the answer arrived was most likely closed by the
     * provider as idle while the request was on its way: whether the request may go again, once per attempt,
     * on a new connection ({@link #retryOnNewConnection}).
     */
    boolean mayRetry() {
        return !retried && UpstreamClient.reusedAndUnanswered(channel);
    }

    /** Discards the failed channel and leases a new one, reported to {@link Owner#leased}. */
    void retryOnNewConnection() {
        retried = true;
        LOG.debug(
                "[{}] a reused connection to {} closed before answering: sending again on a new one",
                requestId,
                provider);
        discard();
        lease(true);
    }

    /** Gives the channel back to its pool when {@code reusable}, else closes it. */
    void finish(boolean reusable) {
        Channel ch = channel;
        channel = null;
        if (ch != null && reusable) {
            pools.release(loop, origin, ch);
        } else if (ch != null) {
            UpstreamClient.discard(ch);
        }
    }

    /** Closes the channel and ignores a lease still under way. */
    void discard() {
        leasing = false;
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            UpstreamClient.discard(ch);
        }
    }

    /** Whether the current attempt holds a channel. */
    boolean connected() {
        return channel != null;
    }

    /** Stops or resumes reading the provider, for backpressure from the client. */
    void reading(boolean on) {
        if (channel != null) {
            channel.config().setAutoRead(on);
        }
    }

    /**
     * The kind of failure, for the client and the record; the cause itself, whose message may name hosts and
     * addresses, goes to app.log only.
     */
    String describe(Throwable cause) {
        LOG.info("[{}] provider {} at {}: {}", requestId, provider, origin, cause.toString());
        return FailureText.kind(cause);
    }
}
