package io.llmgateway.server;

import io.llmgateway.config.LoggingSettings;
import io.llmgateway.observe.AttemptRecord;
import io.llmgateway.observe.BodyCapture;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Failure;
import io.llmgateway.trace.ExchangeTrace;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What one proxied exchange reports when it ends ({@link RequestRecord}): its attempts, its timings, the status
 * and usage it ended with, its error, and, with {@code logging.log_bodies}, the texts of request and answer.
 * Confined to the exchange's event loop.
 */
final class ExchangeRecord {
    private final Ticker ticker;
    private final long startEpochMillis;
    private final long startNanos;
    private final String requestId;
    private final String keyName;
    private final String path;
    private final String clientApi;
    private String providerApi;
    private final List<AttemptRecord> attempts = new ArrayList<>(2);
    private long attemptStartNanos;
    private long firstByteNanos;
    // The gateway's own time (ServerTiming): what it spent before the answering provider's request was written,
    // summed over the attempts; since when it is spending its own time again (-1 while a provider is awaited).
    private long preNanos;
    private long ownSinceNanos;
    private boolean requestWritten;
    private long providerReadNanos; // the last read of the current attempt's answer before the client's head; 0: none
    private long postNanos = -1;
    private int sentStatus;
    private Usage usage;
    private String errorType;
    private String errorMessage;
    // Only with logging.log_bodies: the default path allocates none of these.
    private final int bodyCap;
    private String requestText;
    private BodyCapture answerCapture;
    private String answerText;
    private String cacheOutcome;
    private long savedCostNanos;
    private ExchangeTrace trace = ExchangeTrace.OFF;

    /**
     * The record of an exchange starting now on {@code gateway}'s clocks, for the client key of {@code quota}
     * (null without client keys), keeping bodies as the exchange's {@code snapshot} says.
     */
    static ExchangeRecord start(
            Gateway gateway, Gateway.Snapshot snapshot, String requestId, ClientQuota quota, String pathSuffix) {
        LoggingSettings logging = snapshot.config.logging();
        return new ExchangeRecord(
                gateway.ticker(),
                gateway.clock().millis(),
                requestId,
                quota == null ? null : quota.keyName(),
                pathSuffix,
                logging.logBodies() ? logging.maxBodyBytes() : 0);
    }

    /** Like {@link #start(Gateway, Gateway.Snapshot, String, ClientQuota, String)}, traced as the gateway's tracing says. */
    static ExchangeRecord start(
            Gateway gateway,
            Gateway.Snapshot snapshot,
            String requestId,
            ClientQuota quota,
            String pathSuffix,
            HttpRequest request) {
        ExchangeRecord r = start(gateway, snapshot, requestId, quota, pathSuffix);
        r.trace = gateway.tracing().start(request, r.path, requestId, r.keyName);
        return r;
    }

    /** The exchange's spans: {@link ExchangeTrace#OFF} unless tracing is on. */
    ExchangeTrace trace() {
        return trace;
    }

    /**
     * @param ticker elapsed nanoseconds, for the durations
     * @param keyName the client key's name, or null
     * @param pathSuffix the client's path after {@code /v1}, with its query (which the record leaves out)
     * @param bodyCap the most bytes of each body the record keeps, 0 for none
     */
    ExchangeRecord(
            Ticker ticker, long startEpochMillis, String requestId, String keyName, String pathSuffix, int bodyCap) {
        this.ticker = ticker;
        this.startNanos = ticker.nanoTime();
        this.ownSinceNanos = startNanos;
        this.startEpochMillis = startEpochMillis;
        this.requestId = requestId;
        this.keyName = keyName;
        int q = pathSuffix.indexOf('?');
        this.path = q < 0 ? pathSuffix : pathSuffix.substring(0, q);
        this.clientApi = Gateway.clientDialectOf("/v1" + path).name();
        this.bodyCap = bodyCap;
    }

    String requestId() {
        return requestId;
    }

    /** Keeps the request's text, with {@code logging.log_bodies}. */
    void request(ByteBuf body) {
        trace.request(body);
        if (bodyCap > 0) {
            requestText = BodyCapture.text(body, bodyCap);
        }
    }

    /** The most chars of an answer's text to keep, 0 for none. */
    int bodyCap() {
        return bodyCap;
    }

    /** An answer starts whose raw bytes are kept (an unchanged body), with {@code logging.log_bodies}. */
    void keepAnswerBytes() {
        answerCapture = bodyCap > 0 ? new BodyCapture(bodyCap) : null;
    }

    /** A 2xx answer of the current attempt starts, read by {@code tap}. */
    void answerTap(AnswerTap tap) {
        trace.answerTap(tap);
    }

    /** A chunk of the answer, owned by the caller. */
    void answerBytes(ByteBuf chunk) {
        trace.answerBytes(chunk);
        if (answerCapture != null) {
            answerCapture.add(chunk);
        }
    }

    /** The answer's text as its tap kept it, or null; ends the keeping of raw bytes. */
    void answerEnded(String tapText) {
        if (tapText != null) {
            answerText = tapText;
        }
        if (answerCapture != null) {
            answerText = answerCapture.text();
            answerCapture = null;
        }
    }

    /** The text of a provider's whole error answer (owned by the caller), with {@code logging.log_bodies}. */
    void errorAnswer(ByteBuf body) {
        if (bodyCap > 0) {
            answerText = BodyCapture.text(body, bodyCap);
        }
    }

    void attemptStarted() {
        attemptStartNanos = ticker.nanoTime();
        providerReadNanos = 0;
    }

    /** The attempt's request went to the provider: the gateway awaits it from now on. */
    void requestWritten() {
        long now = ticker.nanoTime();
        if (ownSinceNanos >= 0) {
            preNanos += now - ownSinceNanos;
            ownSinceNanos = -1;
        }
        requestWritten = true;
    }

    /** The provider awaited gave up (its connection closed before it answered): the gateway's time again. */
    void providerGaveUp() {
        providerGaveUp(ticker.nanoTime());
    }

    private void providerGaveUp(long now) {
        if (ownSinceNanos < 0) {
            ownSinceNanos = now;
        }
    }

    /** Something of the provider's answer was read, before the client's head went out. */
    void providerRead() {
        providerReadNanos = ticker.nanoTime();
    }

    /** {@code attempt} starts now. */
    void attemptStarted(Attempt attempt) {
        attemptStarted();
        trace.attemptStarted(attempt);
    }

    void attemptEnded(Attempt attempt, Failure kind, int status) {
        attemptEnded(attempt, kind.name().toLowerCase(Locale.ROOT), status);
    }

    /** @param status the provider's status, 0 when none came */
    void attemptEnded(Attempt attempt, String outcome, int status) {
        long now = ticker.nanoTime();
        providerApi = attempt.providerConfig().api().configName();
        attempts.add(new AttemptRecord(
                attempt.provider(),
                attempt.model(),
                outcome,
                status,
                TimeUnit.NANOSECONDS.toMillis(now - attemptStartNanos)));
        providerGaveUp(now);
        boolean answered = outcome.equals("ok") || outcome.equals("cancelled");
        trace.attemptEnded(outcome, status, answered ? usage : null);
    }

    /** The first byte of the answer goes to the client now. */
    void answered(int status) {
        sentStatus = status;
        firstByteNanos = ticker.nanoTime();
        if (requestWritten && providerReadNanos != 0) {
            postNanos = firstByteNanos - providerReadNanos;
        }
        trace.firstByte();
    }

    /** {@link ServerTiming#PRE} of the answer, in nanoseconds: known once a provider's answer is read. */
    long preNanos() {
        return preNanos;
    }

    /** {@link ServerTiming#POST} of the answer ({@link #answered} sets it), or -1 when no provider gave it. */
    long postNanos() {
        return postNanos;
    }

    /** The {@value ServerTiming#NAME} value of an answer whose head goes out now ({@link #answered}). */
    String serverTiming() {
        if (postNanos >= 0) {
            return ServerTiming.value(preNanos, postNanos);
        }
        long own = preNanos + (ownSinceNanos >= 0 ? firstByteNanos - ownSinceNanos : 0);
        return ServerTiming.value(own, -1);
    }

    /** A complete answer of the gateway's own (or a provider's error) is being sent. */
    void replied(int status, String type, String message) {
        answered(status);
        if (status >= 400) {
            failed(type, message);
        }
    }

    void failed(String type, String message) {
        errorType = type;
        errorMessage = message;
    }

    /** An error, unless one was noted already. */
    void failedUnlessNoted(String type, String message) {
        if (errorType == null) {
            failed(type, message);
        }
    }

    /** How the request met the response cache ({@code hit}, {@code miss}, {@code bypass}). */
    void cache(String outcome) {
        cacheOutcome = outcome;
    }

    /** A cache hit saved what the answer cost at its provider. */
    void saved(long costNanos) {
        savedCostNanos = costNanos;
    }

    void settled(Usage usage) {
        this.usage = usage;
    }

    /** The usage the exchange was settled with, or null. */
    Usage usage() {
        return usage;
    }

    /**
     * @param model the model the client asked for, or null when its request was not read
     * @param answerModel the model of the last attempt, or null
     * @param costNanos what the request cost, or {@link RequestRecord#UNPRICED}
     */
    RequestRecord toRecord(String model, boolean stream, String answerModel, long costNanos) {
        RequestRecord r = record(model, stream, answerModel, costNanos);
        trace.ended(r);
        return r;
    }

    private RequestRecord record(String model, boolean stream, String answerModel, long costNanos) {
        long now = ticker.nanoTime();
        Usage u = usage;
        String provider =
                attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).provider();
        String modelUsed = u != null ? answerModel : null;
        return new RequestRecord(
                startEpochMillis,
                requestId,
                keyName,
                path,
                model,
                modelUsed,
                provider,
                attempts,
                sentStatus,
                stream,
                firstByteNanos == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(firstByteNanos - startNanos),
                TimeUnit.NANOSECONDS.toMillis(now - startNanos),
                u == null ? 0 : u.promptTokens(),
                u == null ? 0 : u.completionTokens(),
                u == null ? 0 : u.totalTokens(),
                u != null && u.estimated(),
                errorType,
                errorMessage,
                requestText,
                answerText,
                u == null ? 0 : u.cacheCreationTokens(),
                u == null ? 0 : u.cacheReadTokens(),
                costNanos,
                clientApi,
                providerApi,
                requestWritten ? preNanos : -1,
                postNanos,
                cacheOutcome,
                savedCostNanos);
    }
}
