package io.llmgateway.server;

import io.llmgateway.cache.Lookup;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.protocol.Usage;
import io.llmgateway.route.Attempt;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Reads the current attempt's answer from the provider. A 2xx answer goes to the client through the
 * dialect's tap and the relay, which holds its head back until body bytes arrive; any other answer is read
 * whole (capped) so that the exchange can decide between failing over and passing it on. One per exchange,
 * reset after each attempt; confined to the exchange's event loop.
 */
final class AnswerReader {
    static final int MAX_ERROR_BODY = 256 * 1024;

    private final ByteBufAllocator alloc;
    private final Gateway.Snapshot snapshot;
    private final AnswerRelay relay;
    private final ExchangeRecord record;
    private final ExchangeTimer timer;
    private final UpstreamLeg leg;
    private RequestFacts info;
    private Attempt attempt;
    private ProviderDialect dialect;
    private int status; // of the 2xx answer being relayed
    private boolean keepAlive;
    private AnswerTap tap;
    private boolean streaming; // the answer is a stream of events
    private ByteBuf errorBody;
    private HttpResponse errorHead;
    private Lookup cache; // null when the model is not cached

    AnswerReader(
            ByteBufAllocator alloc,
            Gateway.Snapshot snapshot,
            AnswerRelay relay,
            ExchangeRecord record,
            ExchangeTimer timer,
            UpstreamLeg leg) {
        this.alloc = alloc;
        this.snapshot = snapshot;
        this.relay = relay;
        this.record = record;
        this.timer = timer;
        this.leg = leg;
    }

    // The exchange's pieces the reader works with, which the exchange's ending uses too.

    AnswerRelay relay() {
        return relay;
    }

    ExchangeRecord record() {
        return record;
    }

    ExchangeTimer timer() {
        return timer;
    }

    UpstreamLeg leg() {
        return leg;
    }

    /** The config snapshot the exchange runs on. */
    Gateway.Snapshot snapshot() {
        return snapshot;
    }

    /** The request's response cache lookup: a 200 answer relayed whole is offered to it. */
    void cache(Lookup lookup) {
        cache = lookup;
    }

    /** Expects the answer of {@code attempt}, sent in {@code dialect}. */
    void begin(RequestFacts info, Attempt attempt, ProviderDialect dialect) {
        this.info = info;
        this.attempt = attempt;
        this.dialect = dialect;
    }

    /**
     * Reads the answer's head; false for an interim (1xx) one, after which the real one follows. Then
     * {@link #isError} tells which kind of body follows.
     */
    boolean head(HttpResponse response) {
        int code = response.status().code();
        if (code < 200 && code != 101) {
            return false;
        }
        attempt.observeHeaders(response.headers());
        keepAlive = HttpUtil.isKeepAlive(response);
        if (code < 200 || code >= 300) {
            errorHead = response;
            errorBody = alloc.buffer(256);
            return true;
        }
        status = code;
        streaming = dialect.streams(response.headers());
        tap = dialect.tap(
                streaming,
                info,
                streaming
                        ? TokenEstimator.encodingFor(snapshot.configuredEncoding(attempt.model()), attempt.model())
                        : null);
        record.answerTap(tap);
        if (streaming) {
            if (record.bodyCap() > 0) {
                tap.captureText(record.bodyCap());
            }
            timer.idle(snapshot.config.upstream().streamIdleTimeout().toNanos());
        } else {
            record.keepAnswerBytes();
        }
        if (cache != null && code == 200) {
            cache.begin();
        }
        relay.open(response, dialect.resizes(streaming, info), info.model(), attempt.model());
        return true;
    }

    /** Whether the answer whose head was read is an error answer (not 2xx). */
    boolean isError() {
        return errorHead != null;
    }

    /** Reads a piece of an error answer; true at its end, then {@link #takeErrorHead}, {@link #takeErrorBody}. */
    boolean errorContent(HttpContent content) {
        ByteBuf chunk = content.content();
        int room = MAX_ERROR_BODY - errorBody.readableBytes();
        errorBody.writeBytes(chunk, chunk.readerIndex(), Math.min(room, chunk.readableBytes()));
        content.release();
        return content instanceof LastHttpContent;
    }

    /**
     * Relays a piece of a 2xx answer; true at its end, when the answer is written but not flushed: the
     * exchange settles and publishes its record first, so that whatever the client does next sees it.
     */
    boolean content(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        timer.activity();
        ByteBuf data = content.content();
        record.answerBytes(data);
        ByteBuf out = tap.onChunk(data);
        if (!relay.committed() && (out.isReadable() || last)) {
            record.answered(status);
            relay.commit(record.preNanos(), record.postNanos());
        }
        if (cache != null) {
            cache.add(out);
        }
        relay.content(out);
        if (last) {
            ByteBuf end = tap.onEnd();
            if (cache != null) {
                cache.add(end);
                cache.finish(streaming, tap.usage(), attempt.provider(), attempt.model());
            }
            relay.content(end);
            relay.end();
            return true;
        }
        // Flushed once per upstream read batch (onUpstreamReadComplete), not per chunk: a burst of small
        // chunks read in one go leaves in one write to the client.
        relay.flushLater();
        if (!relay.clientWritable()) {
            // Backpressure: stop reading the provider until the client drains (ProxyExchange.clientWritable).
            leg.reading(false);
        }
        return false;
    }

    /** The answer's usage as the provider reported it, else estimated with {@code promptEstimate}. */
    Usage usage(long promptEstimate) {
        Usage usage = tap.usage();
        if (usage != null) {
            return usage;
        }
        long completion = tap.completionTokensEstimate();
        return new Usage(promptEstimate, completion, promptEstimate + completion, true);
    }

    /** The completion tokens relayed so far, estimated; 0 before a 2xx answer. */
    long completionEstimate() {
        return tap != null ? tap.completionTokensEstimate() : 0;
    }

    /** The status of the last 2xx answer relayed; 0 before one. */
    int status() {
        return status;
    }

    /** Whether the provider keeps the connection open after this answer. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the answer being relayed is a stream of events. */
    boolean streaming() {
        return streaming;
    }

    HttpResponse takeErrorHead() {
        HttpResponse head = errorHead;
        errorHead = null;
        return head;
    }

    /** The error answer's body, now the caller's to release. */
    ByteBuf takeErrorBody() {
        ByteBuf body = errorBody;
        errorBody = null;
        return body;
    }

    /** Ends the attempt's answer: its captured text goes into the record, its buffers are released. */
    void reset() {
        String tapText = null;
        if (tap != null) {
            tapText = tap.capturedText();
            tap.release();
            tap = null;
        }
        record.answerEnded(tapText);
        if (cache != null) {
            cache.abandon();
        }
        streaming = false;
        relay.reset();
        if (errorBody != null) {
            errorBody.release();
            errorBody = null;
        }
        errorHead = null;
    }
}
