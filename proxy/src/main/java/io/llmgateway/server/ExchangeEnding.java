package io.llmgateway.server;

import io.llmgateway.cache.CacheStats;
import io.llmgateway.cache.CachedAnswer;
import io.llmgateway.cache.Lookup;
import io.llmgateway.config.Price;
import io.llmgateway.observe.RequestObserver;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.ClientDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.protocol.Usage;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Denial;
import io.llmgateway.route.Failure;
import io.llmgateway.route.Router;
import io.llmgateway.spend.BudgetClaim;
import io.llmgateway.spend.Cost;
import io.llmgateway.spend.RoutePrices;
import io.llmgateway.spend.SpendLedger;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.time.ZoneId;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The ways a proxied exchange ends: an error answer of the gateway's own or a provider's, the most telling
 * error once every attempt failed, a relayed answer completed or cut off, the client gone. Each publishes the
 * request's record once (before the answer's last flush, so whatever the client does next sees it), then
 * releases what the exchange holds and reports it done. Every method here but the accessors and the setters
 * ends the exchange; the exchange calls at most one of them. It owns the exchange's {@link Failover}, whose
 * failed attempts make the final error. Confined to the exchange's event loop.
 */
final class ExchangeEnding {
    // The exchange's logger: operators (and tests) watch one name for a request's story.
    private static final Logger LOG = LogManager.getLogger(ProxyExchange.class);

    private final Router router;
    private final RequestObserver observers;
    private final ClientDialect client;
    private final FullHttpRequest request;
    private final ClientQuota quota; // null when client keys are not configured
    private final AnswerReader reader;
    private final SpendLedger ledger; // null when spend is not recorded
    private final RoutePrices prices;
    private final ZoneId zone;
    private final AnswerRelay relay;
    private final ExchangeRecord record;
    private final ExchangeTimer timer;
    private final UpstreamLeg leg;
    private final Failover failover;
    private final ByteBufAllocator alloc;
    private final Runnable onDone;
    private final BudgetClaim claim;
    private final CacheStats cacheStats;
    /** The provider the spend of cache hits is recorded under. */
    static final String CACHE_PROVIDER = "cache";

    private static final Price FREE = Price.of(0, 0);
    private RequestFacts info; // null until the request was read
    private Attempt attempt; // the current attempt's; null before the first

    /**
     * The ending of one exchange on {@code gateway}, whose {@code client} speaks the answers' wire format.
     *
     * @param request the client's request, released at the end
     * @param quota the client key's quota, settled at the end; null when client keys are not configured
     * @param reader the exchange's answer reader, with the relay, record, timer and leg it works with
     * @param onDone runs once the exchange has ended and released what it holds
     */
    ExchangeEnding(
            Gateway gateway,
            ClientDialect client,
            FullHttpRequest request,
            ClientQuota quota,
            AnswerReader reader,
            Runnable onDone) {
        this.router = gateway.router();
        this.observers = gateway.observers();
        this.client = client;
        this.request = request;
        this.quota = quota;
        this.ledger = gateway.spendLedger();
        this.prices = reader.snapshot().prices;
        this.zone = reader.snapshot().config.routing().timeZone();
        this.reader = reader;
        this.relay = reader.relay();
        this.record = reader.record();
        this.timer = reader.timer();
        this.leg = reader.leg();
        this.failover = new Failover(record, gateway.clock());
        this.alloc = relay.alloc();
        this.onDone = onDone;
        this.cacheStats = gateway.cache().stats();
        this.claim = BudgetClaim.of(
                gateway.budgets(),
                prices,
                quota == null ? "" : quota.keyName(),
                reader.snapshot().config.spend().reserveOutputTokens());
        relay.budget(claim);
    }

    /** The request's budgets, which each admission reserves in and this ending settles. */
    BudgetClaim claim() {
        return claim;
    }

    /** What the exchange's failed attempts leave behind; the exchange reports them there. */
    Failover failover() {
        return failover;
    }

    /** The request as read: its model names the answers. */
    void facts(RequestFacts info) {
        this.info = info;
        record.trace().facts(info.model(), info.stream(), info.maxTokens());
    }

    /** The attempt now under way. */
    void attempt(Attempt attempt) {
        this.attempt = attempt;
    }

    /**
     * The router (or the client's quota) refused the request. After failed attempts, the most telling of their
     * errors answers instead ({@link #withLastError}).
     */
    void deny(Denial denial) {
        if (failover.attempts() > 0) {
            withLastError();
            return;
        }
        reply(ErrorReplies.denial(client, alloc, router, info.model(), denial), denial.status(), denial.message());
    }

    /** Every attempt failed or no provider is left: answers with the most telling error. */
    void withLastError() {
        timer.cancel();
        if (failover.hasProviderError()) {
            providerError(failover.errorHead(), failover.takeErrorBody());
            return;
        }
        if (failover.onlyOverloaded()) {
            String message = "The gateway has too many requests waiting for provider connections; retry shortly.";
            reply(ErrorReplies.overloaded(client, alloc, message), 503, message);
            return;
        }
        boolean timedOut = failover.timedOut();
        int n = failover.attempts();
        error(
                timedOut ? 504 : 502,
                "The request for model '" + info.model() + "' failed on every provider " + "tried (" + n
                        + (n == 1 ? " attempt" : " attempts") + "): " + failover.failures(),
                null,
                timedOut ? "upstream_timeout" : "upstream_unavailable");
    }

    /** Sends a provider's error answer; a body not in the client's shape is wrapped into it. */
    void providerError(HttpResponse head, ByteBuf body) {
        int status = head.status().code();
        record.errorAnswer(body);
        String contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (!client.isError(contentType, body)) {
            String message = ErrorReplies.wrapped(status, contentType, body);
            body.release();
            error(status, message, null, "upstream_error");
            return;
        }
        record.replied(status, "upstream_" + status, "the provider answered HTTP " + status);
        sendAndEnd(ErrorReplies.relayed(head, body, router, info.model()));
    }

    /**
     * The provider's dialect cannot carry the request (a field with no equivalent in its wire format): nothing
     * was sent, so the channel goes back to its pool, the reservation is released without counting against the
     * provider, and the client gets a 400 naming the field, like for any other request it has to change (no
     * failover: the next provider is not asked to serve a request the client has to change anyway).
     */
    void refusedByDialect(BadRequestException e) {
        leg.finish(true);
        attempt.failed(Failure.CLIENT_ERROR, 0);
        record.attemptEnded(attempt, Failure.CLIENT_ERROR, 400);
        error(400, e.getMessage(), e.param(), e.code());
    }

    /** Answers with an error of the gateway's own. */
    void error(int status, String message, String param, String code) {
        reply(
                ErrorReplies.gateway(
                        client, alloc, router, info == null ? null : info.model(), status, message, param, code),
                status,
                message);
    }

    /** Ends the exchange with an error answer of the gateway's own. */
    void reply(FullHttpResponse response, int status, String message) {
        timer.cancel();
        record.replied(status, client.errorType(status), message);
        sendAndEnd(response);
    }

    /**
     * The response is partly sent: tells the client in-band when it is a stream, else cuts the connection. A
     * stream of announced length is cut too: an event past that length would be read as the next answer.
     */
    void abort(Failure kind, String message) {
        LOG.warn("[{}] {} (provider {})", record.requestId(), message, attempt.provider());
        timer.cancel();
        leg.discard();
        attempt.failed(kind, 0);
        record.attemptEnded(attempt, kind, reader.status());
        record.failed(client.errorType(502), message);
        if (reader.streaming() && !relay.lengthAnnounced()) {
            relay.endWith(client.errorEvent(alloc, message, "upstream_stream_error"));
            finish(false);
        } else {
            finish(true);
        }
    }

    /**
     * Takes the request's response cache {@code lookup} (null when its model is not cached): every answer then
     * says its outcome, and a miss's answer is offered to the cache. True when it was a hit, which this ending
     * has answered (or refused by the client key's request rate).
     */
    boolean answeredFromCache(Lookup lookup) {
        if (lookup == null) {
            return false;
        }
        record.cache(lookup.outcome().value());
        relay.cache(lookup.outcome().value());
        CachedAnswer hit = lookup.hit();
        if (hit == null) {
            reader.cache(lookup);
            return false;
        }
        Denial refusal = quota == null ? null : quota.reserve(0); // a hit is a request of the key, of no tokens
        if (refusal != null) {
            deny(refusal);
        } else {
            fromCache(hit);
        }
        return true;
    }

    /**
     * Answers from the response cache: no provider is asked, so no provider limit is used. The spend is
     * recorded at no cost (as provider {@value #CACHE_PROVIDER}), the key's budget is charged nothing, and
     * what the answer cost at its provider's current price is noted as saved.
     */
    private void fromCache(CachedAnswer hit) {
        timer.cancel();
        Usage usage = hit.usage();
        Price price = prices.find(hit.answerModel(), hit.provider());
        long saved = price == null ? 0 : Cost.of(price, SpendLedger.billed(usage));
        if (ledger != null) {
            ledger.add(quota == null ? "" : quota.keyName(), CACHE_PROVIDER, hit.answerModel(), usage, FREE, zone);
        }
        if (quota != null) {
            quota.settle(0);
        }
        FullHttpResponse response = CacheReplies.response(alloc, hit, info);
        cacheStats.saved(response.content().readableBytes(), usage.totalTokens(), saved);
        record.answered(200);
        record.settled(usage);
        record.saved(saved);
        reader.reset();
        observers.onComplete(record.toRecord(info.model(), info.stream(), hit.answerModel(), 0));
        relay.send(response, record.serverTiming());
        cleanup();
    }

    /**
     * The answer was relayed whole (written, not yet flushed): settles {@code usage}, gives the connection back
     * (for reuse when the provider keeps it open) and ends. The record is published and the exchange reported
     * done before the last flush, so that anything the client does next (a metrics scrape, a shutdown drain)
     * sees this request finished.
     */
    void succeeded(Usage usage) {
        attempt.succeeded(usage);
        record.settled(usage);
        record.attemptEnded(attempt, "ok", reader.status());
        timer.cancel();
        leg.finish(reader.keepAlive());
        finish(relay.closesAfter());
        relay.flush();
    }

    /** Ends a relayed response; {@code closeClient} cuts the connection when the body cannot be completed. */
    private void finish(boolean closeClient) {
        timer.cancel();
        publishRecord();
        if (closeClient || !relay.keepAlive()) {
            relay.close();
        }
        cleanup();
    }

    /**
     * The client connection closed first: stops the provider's work and, when an attempt is {@code underWay},
     * settles what it used ({@code prompt} tokens and the completion estimated so far) as cancelled.
     */
    void clientClosed(boolean underWay, long prompt) {
        LOG.debug("[{}] client went away", record.requestId());
        timer.cancel();
        leg.discard();
        if (underWay) {
            long completion = reader.completionEstimate();
            attempt.cancelled(prompt + completion);
            record.settled(new Usage(prompt, completion, prompt + completion, true));
            record.attemptEnded(attempt, "cancelled", reader.status());
        }
        record.failedUnlessNoted("client_closed", "the client closed the connection before the response ended");
        publishRecord();
        cleanup();
    }

    /** Sends a whole answer of the gateway's own (or a provider's error) and ends the exchange. */
    private void sendAndEnd(FullHttpResponse response) {
        publishRecord();
        relay.send(response, record.serverTiming());
        cleanup();
    }

    /** Releases what the exchange still holds, once its record is published. */
    private void cleanup() {
        failover.release();
        if (request.refCnt() > 0) {
            request.release();
        }
        if (quota != null) {
            Usage u = record.usage();
            quota.settle(u == null ? 0 : u.totalTokens());
        }
        onDone.run();
    }

    /**
     * Releases the attempt's buffers (a captured response text goes into the record, with logging.log_bodies)
     * and publishes the request's record; once per exchange, on its way to {@link #cleanup}.
     */
    private void publishRecord() {
        reader.reset();
        observers.onComplete(record.toRecord(
                info == null ? null : info.model(),
                info != null && info.stream(),
                attempt == null ? null : attempt.model(),
                cost()));
    }

    /**
     * Prices the answer (the settled usage of the last attempt) and records it as spend; an exchange that
     * billed nothing (every attempt failed, a refusal) costs 0 when its route is priced. Returns the cost in
     * nano-dollars, or {@link RequestRecord#UNPRICED}. Settles the attempt's budget reservation to that cost.
     */
    private long cost() {
        if (attempt == null) {
            return RequestRecord.UNPRICED;
        }
        Price price = prices.find(attempt.model(), attempt.provider());
        Usage usage = record.usage();
        if (usage == null || ledger == null) {
            attempt.settleSpend(0);
            return price == null ? RequestRecord.UNPRICED : 0;
        }
        long cost = ledger.add(
                quota == null ? "" : quota.keyName(), attempt.provider(), attempt.model(), usage, price, zone);
        // The budgets count what the ledger records (a restart restores from it); a failed attempt settled to 0.
        attempt.settleSpend(Math.max(0, cost));
        return cost;
    }
}
