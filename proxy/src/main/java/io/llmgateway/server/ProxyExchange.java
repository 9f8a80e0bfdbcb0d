package io.llmgateway.server;

import io.llmgateway.config.Endpoints;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.ClientDialect;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.route.Admission;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Denial;
import io.llmgateway.route.Failure;
import io.llmgateway.route.PendingAdmission;
import io.llmgateway.route.RouteScope;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/*
 * Design notes
 * - One instance per proxied request, confined to the client channel's event loop; the upstream channel
 *   is leased from a pool of that same loop, so no state here is ever touched by two threads.
 * - This class is the state machine and the failover. StartChecks refuses what may not be routed; each
 *   attempt's connection (lease, send, one resend on a new connection, return or discard) is UpstreamLeg's,
 *   which reports back through UpstreamLeg.Owner; AnswerReader reads the answer and writes a 2xx one through
 *   AnswerRelay; the record is kept by ExchangeRecord, the one timer is ExchangeTimer, the endings are
 *   ExchangeEnding's, error answers are built by ErrorReplies, and everything that depends on the wire format
 *   is asked of the dialects (protocol). What failed attempts leave, and whether a provider's error answer
 *   moves on to the next provider, is Failover's, which the ending owns for its final answer. The pieces are
 *   made once per exchange and reused by each attempt, and the exchange's state decides which of their
 *   reports still count.
 * - Failover is possible until the first response byte is written to the client. The upstream's 2xx
 *   headers are held back until its first body bytes arrive, so a provider that accepts a request and
 *   dies before producing anything is still failed over.
 * - Non-2xx answers are read whole (they are small, and capped) before deciding: a retryable status moves
 *   on to the next provider, anything else is the client's own error and goes back as it is.
 * - Every path ends in one call on ended() (ExchangeEnding): it publishes the request's record once (before
 *   the answer's last flush, so whatever the client does next sees it), then releases each buffer this
 *   exchange owns exactly once.
 * - With a shared limits store (Redis) the router decides off this thread: the exchange waits in ADMITTING
 *   (bounded by the store's timeout) and continues on its own event loop when the decision arrives.
 */
final class ProxyExchange implements UpstreamLeg.Owner {
    private static final Logger LOG = LogManager.getLogger(ProxyExchange.class);
    static final String MODEL_HEADER = "x-gateway-model";

    private enum State {
        ESTIMATING,
        ADMITTING,
        CONNECTING,
        AWAITING_HEADERS,
        READING_ERROR,
        RELAYING,
        DONE
    }

    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final Gateway gateway;
    private final Gateway.Snapshot snapshot;
    private final ClientDialect client;
    private final String requestId;
    private final String upstreamPathSuffix;
    private final ClientQuota quota; // null when client keys are not configured
    private final AnswerRelay relay;
    private final ExchangeRecord record;
    private final Failover failover;
    private final ExchangeTimer timer;
    private final UpstreamLeg leg;
    private final AnswerReader reader;
    private final ExchangeEnding ending;
    private RouteScope scope = RouteScope.ANY;

    private State state = State.ESTIMATING;
    private RequestFacts info;
    private long estimate;
    private Attempt attempt;
    private ProviderDialect dialect; // the current attempt's provider's

    ProxyExchange(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            Gateway gateway,
            String upstreamPathSuffix,
            String requestId,
            boolean keepAlive,
            ClientQuota quota,
            Runnable onDone) {
        this.ctx = ctx;
        this.request = request;
        this.gateway = gateway;
        this.snapshot = gateway.snapshot();
        this.client = gateway.clientDialect(request.uri());
        this.upstreamPathSuffix = upstreamPathSuffix;
        this.requestId = requestId;
        this.quota = quota;
        this.relay = new AnswerRelay(ctx, gateway.router(), request.protocolVersion(), keepAlive, requestId);
        this.record = ExchangeRecord.start(gateway, snapshot, requestId, quota, upstreamPathSuffix, request);
        this.timer = new ExchangeTimer(ctx.executor(), ctx.executor().ticker(), this::onTimer);
        this.leg = new UpstreamLeg(ctx.channel().eventLoop(), gateway.upstream(), this, requestId, record.trace());
        this.reader = new AnswerReader(ctx.alloc(), snapshot, relay, record, timer, leg);
        this.ending = new ExchangeEnding(gateway, client, request, quota, reader, onDone);
        this.failover = ending.failover();
    }

    // ---- start: read the request, check the model, estimate tokens ------------------------------------------

    void start() {
        record.request(request.content());
        scope = RouteScope.of(quota == null ? null : quota.modelFilter(), Endpoints.extraFamily(upstreamPathSuffix))
                .withProviders(snapshot.servable(client));
        if (refused(ScopeCheck.path(snapshot.config, scope, upstreamPathSuffix))) {
            return;
        }
        try {
            info = client.read(request.content());
        } catch (BadRequestException e) {
            ended().error(400, e.getMessage(), e.param(), e.code());
            return;
        }
        ending.facts(info);
        if (refused(
                StartChecks.model(snapshot.config, gateway.router(), scope, info.model(), quota, upstreamPathSuffix))) {
            return;
        }
        if (ending.answeredFromCache(
                CacheReplies.lookup(gateway, snapshot, request, info, quota, upstreamPathSuffix))) {
            state = State.DONE;
            return;
        }
        gateway.estimator()
                .estimate(info, snapshot.configuredEncoding(info.model()), info.model())
                .whenComplete(
                        (tokens, error) -> OnLoop.run(ctx.executor(), () -> onEstimated(tokens, error), () -> {}));
    }

    /** Answers {@code refusal}; false when there is none. */
    private boolean refused(ScopeCheck.Refusal refusal) {
        if (refusal == null) {
            return false;
        }
        ended().error(refusal.status(), refusal.message(), refusal.param(), refusal.code());
        return true;
    }

    /** The ending: every call on it ends this exchange, so no later report counts. */
    private ExchangeEnding ended() {
        state = State.DONE;
        return ending;
    }

    private void onEstimated(Long tokens, Throwable error) {
        if (state == State.DONE) {
            return;
        }
        if (error != null) {
            LOG.warn("[{}] token estimate failed, routing with 0", requestId, error);
        }
        estimate = tokens == null ? 0 : tokens;
        ending.claim().request(promptEstimate(), info.maxTokens());
        Denial refusal = quota == null ? null : quota.reserve(estimate);
        if (refusal != null) {
            ended().deny(refusal);
        } else {
            nextAttempt();
        }
    }

    // ---- attempts -----------------------------------------------------------------------------------------

    private void nextAttempt() {
        if (failover.attempts() >= snapshot.config.routing().maxAttempts()) {
            ended().withLastError();
            return;
        }
        Admission admission = gateway.router().admit(info.model(), estimate, failover.tried(), scope, ending.claim());
        if (admission instanceof PendingAdmission) {
            state = State.ADMITTING;
            ((PendingAdmission) admission)
                    .result()
                    .whenComplete((decided, error) -> OnLoop.run(ctx.executor(), () -> onAdmitted(decided), () -> {
                        if (decided instanceof Attempt) {
                            ((Attempt) decided).cancelled(0);
                        }
                    }));
            return;
        }
        onAdmission(admission);
    }

    /** The shared store's decision, back on this exchange's event loop. */
    private void onAdmitted(Admission decided) {
        if (state != State.ADMITTING) {
            // The client went away meanwhile: nothing was sent, give the reservation back.
            if (decided instanceof Attempt) {
                ((Attempt) decided).cancelled(0);
            }
            return;
        }
        if (decided == null) { // the router always decides; guard against a bug rather than hang
            ended().error(503, "The gateway could not decide on a provider", null, null);
            return;
        }
        onAdmission(decided);
    }

    private void onAdmission(Admission admission) {
        if (admission instanceof Denial) {
            ended().deny((Denial) admission);
            return;
        }
        attempt = (Attempt) admission;
        dialect = snapshot.dialect(attempt.providerConfig(), client);
        if (dialect == null) { // a pair of formats the gateway cannot translate: no provider is asked
            attempt.cancelled(0);
            String why = DialectTable.missing(client, attempt.providerConfig().api());
            ended().error(502, why, null, null);
            return;
        }
        ending.attempt(attempt);
        failover.started(attempt);
        reader.begin(info, attempt, dialect);
        state = State.CONNECTING;
        timer.attemptDeadline(info.stream(), snapshot.config.upstream());
        leg.open(attempt, snapshot);
    }

    @Override
    public void leaseFailed(Failure kind, String why) {
        if (state == State.CONNECTING) {
            attemptFailed(kind, why);
        }
    }

    @Override
    public void leased(Channel ch) {
        state = State.AWAITING_HEADERS;
        boolean sent;
        try {
            sent = leg.sendRequest(request, info, dialect, upstreamPathSuffix);
        } catch (BadRequestException e) {
            ended().refusedByDialect(e);
            return;
        }
        if (sent) {
            record.requestWritten();
        } else {
            attemptFailed(Failure.CONNECT, "could not send the request: its target is not valid");
        }
    }

    @Override
    public void sendFailed(Throwable cause) {
        if (state == State.AWAITING_HEADERS && !retryOnNewConnection()) {
            attemptFailed(Failure.CONNECT, "could not send the request: " + leg.describe(cause));
        }
    }

    // ---- upstream events (UpstreamListener) ----------------------------------------------------------------

    @Override
    public void onUpstreamMessage(HttpObject msg) {
        if (state == State.DONE) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg.decoderResult().isFailure()) {
            // Not HTTP (garbage, truncated or oversized headers): this connection is unusable.
            String why = "invalid HTTP from the provider: "
                    + leg.describe(msg.decoderResult().cause());
            ReferenceCountUtil.release(msg);
            upstreamBroke(why);
            return;
        }
        if (!relay.committed()) {
            record.providerRead(); // the gateway's own time after the provider starts at the last of these reads
        }
        if (msg instanceof HttpResponse && reader.head((HttpResponse) msg)) {
            state = reader.isError() ? State.READING_ERROR : State.RELAYING;
        }
        if (msg instanceof HttpContent) {
            onResponseContent((HttpContent) msg);
        }
    }

    private void onResponseContent(HttpContent content) {
        if (state == State.READING_ERROR) {
            if (reader.errorContent(content)) {
                onErrorResponseComplete();
            }
        } else if (state != State.RELAYING) {
            content.release();
        } else if (reader.content(content)) {
            ended().succeeded(reader.usage(promptEstimate()));
        }
    }

    @Override
    public void onUpstreamReadComplete() {
        relay.flushIfPending();
    }

    private long promptEstimate() {
        long max = info.maxTokens();
        return Math.max(0, estimate - (max > 0 ? max : 0));
    }

    /** A provider's error answer was read whole: a retryable one moves on, the client's own goes back. */
    private void onErrorResponseComplete() {
        timer.cancel();
        leg.finish(reader.keepAlive());
        HttpResponse head = reader.takeErrorHead();
        ByteBuf body = reader.takeErrorBody();
        if (failover.providerAnswered(attempt, head, body)) {
            nextAttempt();
        } else {
            ended().providerError(head, body);
        }
    }

    @Override
    public void onUpstreamError(Throwable cause) {
        upstreamBroke(leg.describe(cause));
    }

    @Override
    public void onUpstreamClosed() {
        upstreamBroke("the provider closed the connection");
    }

    private void upstreamBroke(String why) {
        if (state == State.DONE || state == State.AWAITING_HEADERS && retryOnNewConnection()) {
            return;
        }
        leg.discard();
        if (relay.committed()) {
            ended().abort(Failure.SERVER_ERROR, "The provider's response broke off: " + why);
        } else if (state == State.AWAITING_HEADERS || state == State.READING_ERROR || state == State.RELAYING) {
            attemptFailed(Failure.CONNECT, why);
        }
    }

    /**
     * Sends the request again, once, on a new connection when the leg may ({@link UpstreamLeg#mayRetry}): inside
     * the same attempt (its timer, its reservation; no failure counted).
     */
    private boolean retryOnNewConnection() {
        if (!leg.mayRetry()) {
            return false;
        }
        state = State.CONNECTING;
        record.providerGaveUp();
        leg.retryOnNewConnection();
        return true;
    }

    /** The attempt's deadline passed, or its stream was idle too long. */
    private void onTimer() {
        if (state == State.DONE) {
            return;
        }
        boolean stalled = state == State.RELAYING && reader.streaming();
        String why = timer.why(stalled, info.stream(), snapshot.config.upstream());
        if (relay.committed()) {
            ended().abort(
                            Failure.TIMEOUT,
                            (stalled ? "The provider's stream stalled: " : "The provider timed out: ") + why);
        } else {
            attemptFailed(Failure.TIMEOUT, why);
        }
    }

    // ---- failure paths -----------------------------------------------------------------------------------

    /** The current attempt failed before anything reached the client: try the next provider. */
    private void attemptFailed(Failure kind, String why) {
        timer.cancel();
        leg.discard();
        reader.reset();
        failover.attemptFailed(attempt, kind, why);
        nextAttempt();
    }

    // ---- client events -------------------------------------------------------------------------------------

    /** The client connection closed: stop the provider's work and settle what was used. */
    void clientClosed() {
        if (state == State.DONE) {
            return;
        }
        boolean underWay = attempt != null && state != State.ESTIMATING && state != State.ADMITTING;
        ended().clientClosed(underWay, underWay ? promptEstimate() : 0);
    }

    /** The client drained its buffer: resume reading the provider. */
    void clientWritable() {
        if (leg.connected() && relay.clientWritable()) {
            leg.reading(true);
        }
    }
}
