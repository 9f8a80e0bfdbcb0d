package io.llmgateway.server;

import io.llmgateway.config.Endpoints;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.UpstreamSettings;
import io.llmgateway.json.ShortText;
import io.llmgateway.openai.TokenEstimator;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.ClientDialect;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.protocol.Usage;
import io.llmgateway.observe.AttemptRecord;
import io.llmgateway.observe.BodyCapture;
import io.llmgateway.observe.RateLimitHeaders;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.route.Admission;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Denial;
import io.llmgateway.route.Failure;
import io.llmgateway.route.PendingAdmission;
import io.llmgateway.route.RouteScope;
import io.llmgateway.upstream.Origin;
import io.llmgateway.upstream.PoolExhaustedException;
import io.llmgateway.upstream.UpstreamClient;
import io.llmgateway.upstream.UpstreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/*
 * Design notes
 * - One instance per proxied request, confined to the client channel's event loop; the upstream channel
 *   is leased from a pool of that same loop, so no state here is ever touched by two threads.
 * - Failover is possible until the first response byte is written to the client. The upstream's 2xx
 *   headers are held back until its first body bytes arrive, so a provider that accepts a request and
 *   dies before producing anything is still failed over.
 * - Non-2xx answers are read whole (they are small, and capped) before deciding: a retryable status moves
 *   on to the next provider, anything else is the client's own error and goes back as it is.
 * - Every path ends in finish(), sendAndEnd() or clientClosed(): each publishes the request's record once
 *   (before the answer's last flush, so whatever the client does next sees it), then releases each buffer
 *   this exchange owns exactly once.
 * - With a shared limits store (Redis) the router decides off this thread: the exchange waits in ADMITTING
 *   (bounded by the store's timeout) and continues on its own event loop when the decision arrives.
 */
final class ProxyExchange implements UpstreamListener {
    private static final Logger LOG = LogManager.getLogger(ProxyExchange.class);
    private static final int MAX_ERROR_BODY = 256 * 1024;
    static final String MODEL_HEADER = "x-gateway-model";

    private enum State { ESTIMATING, ADMITTING, CONNECTING, AWAITING_HEADERS, READING_ERROR, RELAYING, DONE }

    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final Gateway gateway;
    private final Gateway.Snapshot snapshot;
    private final Runnable onDone;
    private final String requestId;
    private final String upstreamPathSuffix;
    private final boolean keepAlive;
    private final ClientQuota quota; // null when client keys are not configured
    private RouteScope scope = RouteScope.ANY;
    private Set<String> tried = Set.of(); // copied as it grows: nearly every request tries one provider
    private StringBuilder failures; // only when an attempt fails

    private State state = State.ESTIMATING;
    private final ClientDialect client;
    private ProviderDialect dialect; // the current attempt's provider's
    private RequestFacts info;
    private long estimate;
    private int attempts;
    private Attempt attempt;
    private Origin origin;
    private Channel upstream;
    private HttpResponse heldHeaders;
    /** Writes the answer past Netty's encoder (the usual case); null when the encoder writes it. */
    private AnswerWriter answer;
    /** The client was told the body's length: nothing may follow it, not even an error event. */
    private boolean lengthAnnounced;
    private int heldStatus;
    private boolean committed;
    private boolean flushPending;
    private boolean upstreamKeepAlive;
    private boolean closeAfterResponse;
    private AnswerTap tap;
    private boolean streaming; // the answer is a stream of events
    private ByteBuf errorBody;
    private HttpResponse errorHeaders;
    private LastError lastError;
    private ScheduledFuture<?> timer;
    private long idleTimeoutNanos;
    private long lastActivityNanos;
    private boolean timedOut;
    private boolean onlyOverloaded = true; // every failed attempt so far was our own pool being full
    private boolean retriedOnNewConnection; // in this attempt, see retryOnNewConnection()

    // What the request record reports when the exchange ends.
    private final long startEpochMillis;
    private final long startNanos = System.nanoTime();
    private final List<AttemptRecord> attemptRecords = new ArrayList<>(2);
    private long attemptStartNanos;
    private long firstByteNanos;
    private int sentStatus;
    private Usage settledUsage;
    private String errorType;
    private String errorMessage;
    // Only with logging.log_bodies: the default path allocates none of these.
    private final int bodyCap;
    private String requestText;
    private BodyCapture responseCapture;
    private String responseText;

    ProxyExchange(ChannelHandlerContext ctx, FullHttpRequest request, Gateway gateway, String upstreamPathSuffix,
            String requestId, boolean keepAlive, ClientQuota quota, Runnable onDone) {
        this.ctx = ctx;
        this.request = request;
        this.gateway = gateway;
        this.snapshot = gateway.snapshot();
        this.onDone = onDone;
        this.upstreamPathSuffix = upstreamPathSuffix;
        this.requestId = requestId;
        this.keepAlive = keepAlive;
        this.quota = quota;
        this.startEpochMillis = gateway.clock().millis();
        this.client = gateway.clientDialect();
        this.bodyCap = snapshot.config.logging().logBodies() ? snapshot.config.logging().maxBodyBytes() : 0;
    }

    // ---- start: parse, check the model, estimate tokens -------------------------------------------------

    void start() {
        if (bodyCap > 0) {
            requestText = BodyCapture.text(request.content(), bodyCap);
        }
        scope = RouteScope.of(quota == null ? null : quota.modelFilter(), Endpoints.extraFamily(upstreamPathSuffix));
        if (refused(ScopeCheck.path(snapshot.config, scope, upstreamPathSuffix))) {
            return;
        }
        try {
            info = client.read(request.content());
        } catch (BadRequestException e) {
            respondError(400, e.getMessage(), e.param(), e.code());
            return;
        }
        if (quota != null && !quota.mayUse(info.model())) {
            respondError(403, "Client key '" + quota.keyName() + "' may not use model '" + info.model() + "'.",
                    "model", "model_not_allowed");
            return;
        }
        if (!gateway.router().servesModel(info.model())) {
            respondError(404, "The model '" + info.model() + "' does not exist or is not served by this gateway. "
                    + "GET /v1/models lists the models it serves.", "model", "model_not_found");
            return;
        }
        if (refused(ScopeCheck.model(snapshot.config, scope, info.model(), quota, upstreamPathSuffix))) {
            return;
        }
        gateway.estimator().estimate(info, snapshot.configuredEncoding(info.model()), info.model())
                .whenComplete((tokens, error) -> onLoop(() -> onEstimated(tokens, error), () -> { }));
    }

    /** Answers {@code refusal}; false when there is none. */
    private boolean refused(ScopeCheck.Refusal refusal) {
        if (refusal == null) {
            return false;
        }
        respondError(refusal.status(), refusal.message(), refusal.param(), refusal.code());
        return true;
    }

    /**
     * Continues on this exchange's event loop: off-loop work (big token counts, Redis admission) completes
     * on other threads. {@code ifShutDown} runs instead when the loop no longer takes tasks.
     */
    private void onLoop(Runnable task, Runnable ifShutDown) {
        if (ctx.executor().inEventLoop()) {
            task.run();
            return;
        }
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            ifShutDown.run();
        }
    }

    private void onEstimated(Long tokens, Throwable error) {
        if (state == State.DONE) {
            return;
        }
        if (error != null) {
            LOG.warn("[{}] token estimate failed, routing with 0", requestId, error);
        }
        estimate = tokens == null ? 0 : tokens;
        if (quota != null) {
            String refusal = quota.tryReserve(estimate);
            if (refusal != null) {
                respondDenial(new Denial(429, refusal, quota.retryAfterSeconds(estimate)));
                return;
            }
        }
        nextAttempt();
    }

    // ---- attempts -----------------------------------------------------------------------------------------

    private void nextAttempt() {
        GatewayConfig config = snapshot.config;
        if (attempts >= config.routing().maxAttempts()) {
            finishWithLastError();
            return;
        }
        Admission admission = gateway.router().admit(info.model(), estimate, tried, scope);
        if (admission instanceof PendingAdmission) {
            state = State.ADMITTING;
            ((PendingAdmission) admission).result().whenComplete((decided, error) -> onLoop(
                    () -> onAdmitted(decided), () -> {
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
            respondError(503, "The gateway could not decide on a provider", null, null);
            return;
        }
        onAdmission(decided);
    }

    private void onAdmission(Admission admission) {
        GatewayConfig config = snapshot.config;
        if (admission instanceof Denial) {
            Denial denial = (Denial) admission;
            if (attempts > 0) {
                finishWithLastError();
            } else {
                respondDenial(denial);
            }
            return;
        }
        attempt = (Attempt) admission;
        attemptStartNanos = System.nanoTime();
        attempts++;
        tried = withProvider(tried, attempt.provider());
        origin = originOf(attempt);
        dialect = snapshot.dialect(attempt.provider());
        state = State.CONNECTING;
        retriedOnNewConnection = false;
        UpstreamSettings settings = config.upstream();
        startTimer(info.stream() ? settings.streamFirstByteTimeout().toNanos() : settings.responseTimeout().toNanos());
        lease(false);
    }

    private void lease(boolean fresh) {
        UpstreamClient client = gateway.upstream();
        Future<Channel> leased = fresh ? client.acquireFresh(ctx.channel().eventLoop(), origin, this)
                : client.acquire(ctx.channel().eventLoop(), origin, this);
        Attempt leasedFor = attempt;
        leased.addListener(f -> {
            if (f.isSuccess()) {
                onLeased((Channel) f.getNow(), leasedFor);
            } else if (attempt == leasedFor && state == State.CONNECTING) {
                Throwable cause = f.cause();
                Failure kind = cause instanceof PoolExhaustedException ? Failure.LOCAL_OVERLOAD
                        : cause instanceof ConnectTimeoutException ? Failure.TIMEOUT : Failure.CONNECT;
                attemptFailed(kind, 0, describe(cause));
            }
        });
    }

    private void onLeased(Channel ch, Attempt leasedFor) {
        if (attempt != leasedFor || state != State.CONNECTING) {
            // This attempt already ended (timeout, client gone): the fresh channel is still good for others.
            gateway.upstream().release(ctx.channel().eventLoop(), originOf(leasedFor), ch);
            return;
        }
        upstream = ch;
        state = State.AWAITING_HEADERS;
        ByteBuf body = dialect.body(ch.alloc(), request.content(), info, attempt.alias());
        ByteBuf head;
        try {
            head = UpstreamRequestHead.encode(ch.alloc(), dialect.target(origin.basePath(), upstreamPathSuffix),
                    request.headers(), origin.authority(), body.readableBytes(), requestId, dialect.keyHeader(),
                    snapshot.authorization(attempt.provider()));
        } catch (IllegalArgumentException e) { // a target that would split the request line: never sent
            body.release();
            LOG.warn("[{}] {}", requestId, ShortText.cap(e.getMessage(), 512));
            attemptFailed(Failure.CONNECT, 0, "could not send the request: its target is not valid");
            return;
        }
        // Bytes, not an HttpRequest: the upstream pipeline has only a response decoder (UpstreamClient).
        ch.write(head);
        ch.writeAndFlush(body).addListener(w -> {
            if (!w.isSuccess() && upstream == ch && state == State.AWAITING_HEADERS && !retryOnNewConnection()) {
                attemptFailed(Failure.CONNECT, 0, "could not send the request: " + describe(w.cause()));
            }
        });
    }

    /** Where an attempt goes: from the config snapshot, or computed for a provider added since it was taken. */
    private Origin originOf(Attempt a) {
        Origin o = snapshot.origin(a.provider());
        return o != null ? o : Origin.of(a.providerConfig());
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
            String why = "invalid HTTP from the provider: " + describe(msg.decoderResult().cause());
            ReferenceCountUtil.release(msg);
            upstreamBroke(why);
            return;
        }
        if (msg instanceof HttpResponse) {
            onResponseHeaders((HttpResponse) msg);
        }
        if (msg instanceof HttpContent) {
            onResponseContent((HttpContent) msg);
        }
    }

    private void onResponseHeaders(HttpResponse response) {
        int status = response.status().code();
        if (status < 200 && status != 101) {
            return; // 1xx interim response: the real one follows
        }
        attempt.observeHeaders(response.headers());
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        if (status < 200 || status >= 300) {
            state = State.READING_ERROR;
            errorHeaders = response;
            errorBody = ctx.alloc().buffer(256);
            return;
        }
        state = State.RELAYING;
        heldStatus = status;
        heldHeaders = response;
        HttpHeaders h = response.headers();
        streaming = dialect.streams(h);
        boolean dropUsageChunk = streaming && dialect.resizesStream(info);
        String encoding = streaming
                ? TokenEstimator.encodingFor(snapshot.configuredEncoding(attempt.model()), attempt.model()) : null;
        tap = dialect.tap(streaming, info, encoding);
        if (streaming) {
            if (bodyCap > 0) {
                tap.captureText(bodyCap);
            }
            UpstreamSettings settings = snapshot.config.upstream();
            idleTimeoutNanos = settings.streamIdleTimeout().toNanos();
            lastActivityNanos = System.nanoTime();
            startTimer(idleTimeoutNanos);
        } else {
            responseCapture = bodyCap > 0 ? new BodyCapture(bodyCap) : null;
        }
        if (request.protocolVersion() == HttpVersion.HTTP_1_1) {
            // The usual way; the head is written at commit().
            answer = AnswerWriter.forAnswer(ctx, response, dropUsageChunk);
            if (answer != null) {
                lengthAnnounced = !answer.chunked();
                return;
            }
        }
        HeaderPolicy.stripResponseHeaders(h);
        if (dropUsageChunk) {
            // Dropping an event changes the length: fall back to chunked framing.
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            HttpUtil.setTransferEncodingChunked(response, true);
        }
        if (request.protocolVersion() == HttpVersion.HTTP_1_0) {
            // An HTTP/1.0 client cannot read chunked framing: send the body raw and end it by closing.
            response.setProtocolVersion(HttpVersion.HTTP_1_0);
            if (HttpUtil.isTransferEncodingChunked(response)) {
                HttpUtil.setTransferEncodingChunked(response, false);
                closeAfterResponse = true;
            }
        }
        RateLimitHeaders.apply(h, gateway.router().windows(info.model()));
        Responses.prepare(response, keepAlive && !closeAfterResponse, requestId);
        // Tells the client which model answered: with "auto" it is the gateway's choice.
        h.set(MODEL_HEADER, attempt.model());
        lengthAnnounced = h.contains(HttpHeaderNames.CONTENT_LENGTH);
    }

    private void onResponseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (state == State.READING_ERROR) {
            ByteBuf chunk = content.content();
            int room = MAX_ERROR_BODY - errorBody.readableBytes();
            errorBody.writeBytes(chunk, chunk.readerIndex(), Math.min(room, chunk.readableBytes()));
            content.release();
            if (last) {
                onErrorResponseComplete();
            }
            return;
        }
        if (state != State.RELAYING) {
            content.release();
            return;
        }
        lastActivityNanos = System.nanoTime();
        ByteBuf data = content.content();
        if (responseCapture != null) {
            responseCapture.add(data);
        }
        ByteBuf out = tap.onChunk(data);
        if (!committed && (out.isReadable() || last)) {
            commit();
        }
        writeToClient(out);
        if (last) {
            writeToClient(tap.onEnd());
            endBody();
            // Settle, publish the record and leave the in-flight count before the client can see the end,
            // so that anything it does next (a metrics scrape, a shutdown drain) sees this request finished.
            completeSuccessfully();
            ctx.flush();
        } else {
            // Flushed once per upstream read batch (onUpstreamReadComplete), not per chunk: a burst of
            // small chunks read in one go leaves in one write to the client.
            flushPending = true;
            if (!ctx.channel().isWritable()) {
                // Backpressure: stop reading the provider until the client drains (see clientWritable()).
                upstream.config().setAutoRead(false);
            }
        }
    }

    @Override
    public void onUpstreamReadComplete() {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    private void writeToClient(ByteBuf buf) {
        if (!buf.isReadable()) {
            buf.release();
        } else if (answer != null) {
            answer.content(buf);
        } else {
            ctx.write(new DefaultHttpContent(buf));
        }
    }

    private void endBody() {
        if (answer != null) {
            answer.end();
        } else {
            ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    private void commit() {
        committed = true;
        firstByteNanos = System.nanoTime();
        sentStatus = heldStatus;
        if (answer != null) {
            // The rate limits as they stand when the answer starts, like the map path's at its headers.
            answer.head(ClientResponseHead.encode(ctx.alloc(), heldHeaders.status(), heldHeaders.headers(),
                    answer.contentLength(), gateway.router().windows(info.model()), keepAlive, requestId,
                    attempt.model()));
        } else {
            ctx.write(heldHeaders);
        }
        heldHeaders = null;
    }

    private void completeSuccessfully() {
        Usage usage = tap.usage();
        if (usage == null) {
            usage = estimatedUsage();
        }
        attempt.succeeded(usage);
        settledUsage = usage;
        endAttempt("ok", heldStatus);
        returnUpstream(upstreamKeepAlive);
        finish(closeAfterResponse);
    }

    private Usage estimatedUsage() {
        long prompt = promptEstimate();
        long completion = tap.completionTokensEstimate();
        return new Usage(prompt, completion, prompt + completion, true);
    }

    private long promptEstimate() {
        long max = info.maxTokens();
        return Math.max(0, estimate - (max > 0 ? max : 0));
    }

    private void onErrorResponseComplete() {
        int status = errorHeaders.status().code();
        Failure kind = classify(status);
        long retryAfterMillis = RetryAfter.millis(errorHeaders.headers(), gateway.clock());
        returnUpstream(upstreamKeepAlive);
        ByteBuf body = errorBody;
        errorBody = null;
        if (kind == Failure.CLIENT_ERROR) {
            attempt.failed(Failure.CLIENT_ERROR, 0);
            endAttempt(Failure.CLIENT_ERROR, status);
            respondUpstreamError(status, errorHeaders, body);
            return;
        }
        attempt.failed(kind, retryAfterMillis);
        endAttempt(kind, status);
        noteFailure(attempt.provider() + ": HTTP " + status);
        if (lastError != null) {
            lastError.body.release();
        }
        lastError = new LastError(status, errorHeaders, body);
        errorHeaders = null;
        nextAttempt();
    }

    static Failure classify(int status) {
        if (status == 429) {
            return Failure.RATE_LIMITED;
        }
        if (status == 401 || status == 403) {
            return Failure.AUTH;
        }
        if (status == 408) {
            return Failure.TIMEOUT;
        }
        if (status >= 500 && status != 501) {
            return Failure.SERVER_ERROR;
        }
        return Failure.CLIENT_ERROR;
    }

    @Override
    public void onUpstreamError(Throwable cause) {
        upstreamBroke(describe(cause));
    }

    @Override
    public void onUpstreamClosed() {
        upstreamBroke("the provider closed the connection");
    }

    private void upstreamBroke(String why) {
        if (state == State.DONE || state == State.AWAITING_HEADERS && retryOnNewConnection()) {
            return;
        }
        discardUpstream();
        if (committed) {
            abortCommitted(Failure.SERVER_ERROR, "The provider's response broke off: " + why);
        } else if (state == State.AWAITING_HEADERS || state == State.READING_ERROR || state == State.RELAYING) {
            attemptFailed(Failure.CONNECT, 0, why);
        }
    }

    /**
     * A reused connection that failed before any byte of the answer arrived was most likely closed by the
     * provider as idle while the request was on its way: the request goes again, once, on a new connection,
     * inside the same attempt (its timer, its reservation; no failure counted).
     */
    private boolean retryOnNewConnection() {
        if (retriedOnNewConnection || !UpstreamClient.reusedAndUnanswered(upstream)) {
            return false;
        }
        retriedOnNewConnection = true;
        LOG.debug("[{}] a reused connection to {} closed before answering: sending again on a new one", requestId,
                attempt.provider());
        discardUpstream();
        state = State.CONNECTING;
        lease(true);
        return true;
    }

    // ---- timers ------------------------------------------------------------------------------------------

    private void startTimer(long nanos) {
        cancelTimer();
        timer = ctx.executor().schedule(this::onTimer, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onTimer() {
        timer = null;
        if (state == State.DONE) {
            return;
        }
        if (state == State.RELAYING && streaming) {
            long idle = System.nanoTime() - lastActivityNanos;
            if (idle < idleTimeoutNanos) {
                // Activity since the timer was set: re-arm for the rest instead of rescheduling per chunk.
                startTimer(idleTimeoutNanos - idle);
                return;
            }
            String why = "no data from the provider for " + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + " ms";
            if (committed) {
                abortCommitted(Failure.TIMEOUT, "The provider's stream stalled: " + why);
            } else {
                attemptFailed(Failure.TIMEOUT, 0, why);
            }
            return;
        }
        UpstreamSettings s = snapshot.config.upstream();
        String why = info.stream()
                ? "no response within stream_first_byte_timeout (" + s.streamFirstByteTimeout().toSeconds() + " s)"
                : "no complete response within response_timeout (" + s.responseTimeout().toSeconds() + " s)";
        if (committed) {
            abortCommitted(Failure.TIMEOUT, "The provider timed out: " + why);
        } else {
            attemptFailed(Failure.TIMEOUT, 0, why);
        }
    }

    // ---- failure paths -----------------------------------------------------------------------------------

    /** The current attempt failed before anything reached the client: try the next provider. */
    private void attemptFailed(Failure kind, long retryAfterMillis, String why) {
        cancelTimer();
        discardUpstream();
        releaseAttemptBuffers();
        attempt.failed(kind, retryAfterMillis);
        endAttempt(kind, 0);
        noteFailure(attempt.provider() + ": " + why);
        if (kind == Failure.TIMEOUT && lastError == null) {
            timedOut = true;
        }
        onlyOverloaded &= kind == Failure.LOCAL_OVERLOAD;
        nextAttempt();
    }

    /**
     * The response is partly sent: tell the client in-band when it is a stream, else cut the connection. A
     * stream of announced length is cut too: an event past that length would be read as the next answer.
     */
    private void abortCommitted(Failure kind, String message) {
        LOG.warn("[{}] {} (provider {})", requestId, message, attempt.provider());
        cancelTimer();
        discardUpstream();
        attempt.failed(kind, 0);
        endAttempt(kind, heldStatus);
        errorType = client.errorType(502);
        errorMessage = message;
        if (streaming && !lengthAnnounced) {
            writeToClient(client.errorEvent(ctx.alloc(), message, "upstream_stream_error"));
            endBody();
            ctx.flush();
            finish(false);
        } else {
            finish(true);
        }
    }

    /** Every attempt failed or no provider is left: answer with the most telling error. */
    private void finishWithLastError() {
        cancelTimer();
        if (lastError != null) {
            LastError e = lastError;
            lastError = null;
            respondUpstreamError(e.status, e.headers, e.body);
            return;
        }
        if (onlyOverloaded) {
            respondOverloaded();
            return;
        }
        int status = timedOut ? 504 : 502;
        String message = "The request for model '" + info.model() + "' failed on every provider tried ("
                + attempts + (attempts == 1 ? " attempt" : " attempts") + "): " + (failures == null ? "" : failures);
        respondError(status, message, null, timedOut ? "upstream_timeout" : "upstream_unavailable");
    }

    private void noteFailure(String what) {
        if (failures == null) {
            failures = new StringBuilder();
        } else {
            failures.append("; ");
        }
        failures.append(what);
        LOG.info("[{}] attempt {} failed: {}", requestId, attempts, what);
    }

    private static Set<String> withProvider(Set<String> tried, String provider) {
        if (tried.isEmpty()) {
            return Set.of(provider);
        }
        Set<String> more = new HashSet<>(tried);
        more.add(provider);
        return more;
    }

    private void respondDenial(Denial denial) {
        cancelTimer();
        ChannelHandlerContext c = ctx;
        state = State.DONE;
        noteResponse(denial.status(), client.errorType(denial.status()), denial.message());
        FullHttpResponse response = client.error(c.alloc(), denial.status(), denial.message(), null,
                denial.status() == 429 ? "rate_limit_exceeded" : null);
        if (denial.retryAfterSeconds() > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, denial.retryAfterSeconds());
        }
        if (denial.status() == 429) {
            RateLimitHeaders.apply(response.headers(), gateway.router().windows(info.model()));
        }
        sendAndEnd(c, response);
    }

    /** Sends a provider's error answer; a body that is not OpenAI's JSON error is wrapped into one. */
    private void respondUpstreamError(int status, HttpResponse headers, ByteBuf body) {
        if (bodyCap > 0) {
            responseText = BodyCapture.text(body, bodyCap);
        }
        if (!client.isError(headers.headers().get(HttpHeaderNames.CONTENT_TYPE), body)) {
            String text = body.toString(StandardCharsets.UTF_8).strip();
            body.release();
            if (text.length() > 500) {
                text = text.substring(0, 500) + "...";
            }
            respondError(status, "The provider answered HTTP " + status + (text.isEmpty() ? "" : ": " + text), null,
                    "upstream_error");
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, headers.status(), body);
        HttpHeaders h = response.headers();
        h.set(headers.headers());
        HeaderPolicy.stripResponseHeaders(h);
        RateLimitHeaders.apply(h, status == 429 ? gateway.router().windows(info.model()) : null);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        state = State.DONE;
        noteResponse(status, "upstream_" + status, "the provider answered HTTP " + status);
        sendAndEnd(ctx, response);
    }

    /** Our own connection pools are full: shed the request at once instead of queueing it. */
    private void respondOverloaded() {
        String message = "The gateway has too many requests waiting for provider connections; retry shortly.";
        noteResponse(503, client.errorType(503), message);
        state = State.DONE;
        FullHttpResponse response = client.error(ctx.alloc(), 503, message, null, "gateway_overloaded");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        sendAndEnd(ctx, response);
    }

    private void respondError(int status, String message, String param, String code) {
        cancelTimer();
        state = State.DONE;
        noteResponse(status, client.errorType(status), message);
        FullHttpResponse response = client.error(ctx.alloc(), status, message, param, code);
        if (status == 429 && info != null) {
            RateLimitHeaders.apply(response.headers(), gateway.router().windows(info.model()));
        }
        sendAndEnd(ctx, response);
    }

    // ---- client events -------------------------------------------------------------------------------------

    /** The client connection closed: stop the provider's work and settle what was used. */
    void clientClosed() {
        if (state == State.DONE) {
            return;
        }
        LOG.debug("[{}] client went away", requestId);
        cancelTimer();
        discardUpstream();
        if (attempt != null && state != State.ESTIMATING && state != State.ADMITTING) {
            long completion = tap != null ? tap.completionTokensEstimate() : 0;
            attempt.cancelled(promptEstimate() + completion);
            settledUsage = new Usage(promptEstimate(), completion, promptEstimate() + completion, true);
            endAttempt("cancelled", heldStatus);
        }
        if (errorType == null) {
            errorType = "client_closed";
            errorMessage = "the client closed the connection before the response ended";
        }
        state = State.DONE;
        publishRecord();
        cleanup();
    }

    /** The client drained its buffer: resume reading the provider. */
    void clientWritable() {
        if (upstream != null && ctx.channel().isWritable()) {
            upstream.config().setAutoRead(true);
        }
    }

    // ---- endings -------------------------------------------------------------------------------------------

    /** Ends a relayed response; {@code closeClient} cuts the connection when the body cannot be completed. */
    private void finish(boolean closeClient) {
        cancelTimer();
        state = State.DONE;
        publishRecord();
        if (closeClient || !keepAlive) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        cleanup();
    }

    private void returnUpstream(boolean reusable) {
        cancelTimer();
        Channel ch = upstream;
        upstream = null;
        if (ch == null) {
            return;
        }
        if (reusable) {
            gateway.upstream().release(ctx.channel().eventLoop(), origin, ch);
        } else {
            UpstreamClient.discard(ch);
        }
    }

    private void discardUpstream() {
        Channel ch = upstream;
        upstream = null;
        if (ch != null) {
            UpstreamClient.discard(ch);
        }
    }

    private void releaseAttemptBuffers() {
        if (tap != null) {
            String text = tap.capturedText();
            if (text != null) {
                responseText = text;
            }
            tap.release();
            tap = null;
        }
        streaming = false;
        if (responseCapture != null) {
            responseText = responseCapture.text();
            responseCapture = null;
        }
        heldHeaders = null;
        answer = null;
        if (errorBody != null) {
            errorBody.release();
            errorBody = null;
        }
        errorHeaders = null;
    }

    /** Sends a whole answer of the gateway's own (or a provider's error) and ends the exchange. */
    private void sendAndEnd(ChannelHandlerContext c, FullHttpResponse response) {
        publishRecord();
        Responses.send(c, response, keepAlive, requestId);
        cleanup();
    }

    /** Releases what the exchange still holds, once its record is published. */
    private void cleanup() {
        state = State.DONE;
        if (lastError != null) {
            lastError.body.release();
            lastError = null;
        }
        if (request.refCnt() > 0) {
            request.release();
        }
        if (quota != null) {
            quota.settle(settledUsage == null ? 0 : settledUsage.totalTokens());
        }
        onDone.run();
    }

    /**
     * The kind of failure, for the client and the record; the cause itself, whose message may name hosts and
     * addresses, goes to app.log only.
     */
    private String describe(Throwable cause) {
        LOG.info("[{}] provider {} at {}: {}", requestId, attempt == null ? null : attempt.provider(), origin,
                cause.toString());
        return FailureText.kind(cause);
    }

    private void endAttempt(Failure kind, int status) {
        endAttempt(kind.name().toLowerCase(Locale.ROOT), status);
    }

    private void endAttempt(String outcome, int status) {
        attemptRecords.add(new AttemptRecord(attempt.provider(), attempt.model(), outcome, status,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attemptStartNanos)));
    }

    /** A complete response of the gateway's own (or a provider's error) is being sent. */
    private void noteResponse(int status, String type, String message) {
        sentStatus = status;
        firstByteNanos = System.nanoTime();
        if (status >= 400) {
            errorType = type;
            errorMessage = message;
        }
    }

    /**
     * Releases the attempt's buffers (a captured response text goes into the record, with logging.log_bodies)
     * and publishes the request's record; once per exchange, on its way to {@link #cleanup}.
     */
    private void publishRecord() {
        releaseAttemptBuffers();
        long now = System.nanoTime();
        Usage u = settledUsage;
        String provider = attemptRecords.isEmpty() ? null : attemptRecords.get(attemptRecords.size() - 1).provider();
        String modelUsed = settledUsage != null && attempt != null ? attempt.model() : null;
        int q = upstreamPathSuffix.indexOf('?');
        String path = q < 0 ? upstreamPathSuffix : upstreamPathSuffix.substring(0, q);
        gateway.observers().onComplete(new RequestRecord(startEpochMillis, requestId,
                quota == null ? null : quota.keyName(), path,
                info == null ? null : info.model(), modelUsed, provider, attemptRecords, sentStatus,
                info != null && info.stream(),
                firstByteNanos == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(firstByteNanos - startNanos),
                TimeUnit.NANOSECONDS.toMillis(now - startNanos),
                u == null ? 0 : u.promptTokens(), u == null ? 0 : u.completionTokens(),
                u == null ? 0 : u.totalTokens(), u != null && u.estimated(), errorType, errorMessage, requestText,
                responseText));
    }

    private static final class LastError {
        final int status;
        final HttpResponse headers;
        final ByteBuf body;

        LastError(int status, HttpResponse headers, ByteBuf body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }
    }
}
