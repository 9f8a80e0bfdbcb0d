package io.llmgateway.trace;

import static io.llmgateway.trace.TraceAttributes.*;

import io.llmgateway.observe.RequestRecord;
import io.llmgateway.protocol.AnswerFacts;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.route.Attempt;
import io.netty.buffer.ByteBuf;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/*
 * Design notes
 * - Confined to the exchange's event loop, like the exchange that reports to it.
 * - The attempt span that answered stays open until the exchange ends, ended with the time its attempt ended:
 *   the request's cost is known only then. A failed attempt's span ends at once.
 * - Nothing here reads a body's text into a span: only the request's temperature and the answer's id, model
 *   and finish reasons, which are not the client's content. No key, credential or header value is recorded.
 * - A span that is not sampled still gives providers a trace context (its flags say not sampled); the readers
 *   of bodies run only for sampled spans.
 */
/** The spans of one traced exchange ({@link ExchangeTrace}). */
final class SpanTrace implements ExchangeTrace {
    private final Tracer tracer;
    private final ProviderAttributes providers;
    private final io.opentelemetry.sdk.common.Clock clock;
    private final Span server;
    private final Context serverContext;
    private final String operation;
    private final boolean recording;
    private boolean stream;
    private long maxTokens = -1;
    private double temperature = Double.NaN;
    private int attempts;
    private Span attempt; // the current attempt's, until it ends
    private String provider; // the current attempt's
    private AnswerFacts facts; // the current attempt's answer as its tap reads it, sampled spans only
    private AnswerScan scan; // instead, for a tap that does not note them
    private String lastProvider; // of the last attempt that failed
    private String lastOutcome;
    private Span answered; // the attempt that answered, ended with the exchange
    private long answeredEndNanos;

    SpanTrace(
            Tracer tracer,
            ProviderAttributes providers,
            io.opentelemetry.sdk.common.Clock clock,
            Span server,
            String operation) {
        this.tracer = tracer;
        this.providers = providers;
        this.clock = clock;
        this.server = server;
        this.serverContext = Context.root().with(server);
        this.operation = operation;
        this.recording = server.isRecording();
    }

    @Override
    public void request(ByteBuf body) {
        if (recording) {
            temperature = RequestParams.temperature(body);
        }
    }

    @Override
    public void facts(String model, boolean stream, long maxTokens) {
        this.stream = stream;
        this.maxTokens = maxTokens;
        if (recording) {
            server.setAttribute(GEN_AI_REQUEST_MODEL, model);
        }
    }

    @Override
    public void attemptStarted(Attempt a) {
        endAttempt("cancelled", 0, null); // a report missed: never leave a span open
        attempts++;
        provider = a.provider();
        var span = tracer.spanBuilder(operation + ' ' + a.alias())
                .setSpanKind(SpanKind.CLIENT)
                .setParent(serverContext)
                .setAttribute(GEN_AI_OPERATION_NAME, operation)
                .setAllAttributes(providers.of(a.provider(), a.providerConfig()))
                .setAttribute(GEN_AI_REQUEST_MODEL, a.alias())
                .setAttribute(GATEWAY_MODEL, a.model())
                .setAttribute(GATEWAY_ATTEMPT, attempts)
                .setAttribute(GATEWAY_CIRCUIT_STATE, a.isTrial() ? "half_open" : "closed");
        if (maxTokens > 0) {
            span.setAttribute(GEN_AI_REQUEST_MAX_TOKENS, maxTokens);
        }
        if (!Double.isNaN(temperature)) {
            span.setAttribute(GEN_AI_REQUEST_TEMPERATURE, temperature);
        }
        if (lastOutcome != null) {
            span.setAttribute(GATEWAY_FAILOVER_REASON, lastOutcome);
        }
        attempt = span.startSpan();
        facts = null;
        scan = null;
        if (lastOutcome != null && recording) {
            server.addEvent(
                    FAILOVER_EVENT,
                    Attributes.of(
                            GATEWAY_FAILOVER_FROM,
                            lastProvider,
                            GATEWAY_FAILOVER_REASON,
                            lastOutcome,
                            GATEWAY_PROVIDER,
                            a.provider(),
                            GATEWAY_ATTEMPT,
                            (long) attempts));
        }
    }

    @Override
    public boolean replacesContext() {
        return true;
    }

    @Override
    public void propagate(BiConsumer<String, String> header) {
        SpanContext c = (attempt != null ? attempt : server).getSpanContext();
        header.accept(
                "traceparent",
                "00-" + c.getTraceId() + '-' + c.getSpanId() + '-'
                        + c.getTraceFlags().asHex());
        if (!c.getTraceState().isEmpty()) {
            StringBuilder state = new StringBuilder();
            c.getTraceState().forEach((k, v) -> {
                if (state.length() > 0) {
                    state.append(',');
                }
                state.append(k).append('=').append(v);
            });
            header.accept("tracestate", state.toString());
        }
    }

    @Override
    public void answerTap(AnswerTap tap) {
        if (attempt == null || !attempt.isRecording()) {
            return;
        }
        AnswerFacts f = new AnswerFacts();
        if (tap.noteFacts(f)) {
            facts = f;
            scan = null;
        } else {
            facts = null;
            scan = new AnswerScan();
        }
    }

    @Override
    public void answerBytes(ByteBuf chunk) {
        if (scan != null) {
            scan.add(chunk);
        }
    }

    @Override
    public void firstByte() {
        if (stream && attempt != null && attempt.isRecording()) {
            attempt.addEvent(FIRST_TOKEN_EVENT);
        }
    }

    @Override
    public void attemptEnded(String outcome, int status, Usage usage) {
        endAttempt(outcome, status, usage);
    }

    private void endAttempt(String outcome, int status, Usage usage) {
        Span span = attempt;
        if (span == null) {
            return;
        }
        attempt = null;
        if (status > 0) {
            span.setAttribute(HTTP_RESPONSE_STATUS_CODE, status);
        }
        if (facts != null) {
            response(span, facts.id(), facts.model(), facts.finishReasons());
            facts = null;
        }
        if (scan != null) {
            response(span, scan.id(), scan.model(), scan.reasons());
            scan = null;
        }
        if (usage != null) {
            span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, usage.promptTokens());
            span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, usage.completionTokens());
            span.setAttribute(GATEWAY_TOKENS_ESTIMATED, usage.estimated());
        }
        if (!"ok".equals(outcome)) {
            span.setAttribute(ERROR_TYPE, outcome);
            span.setStatus(StatusCode.ERROR, outcome);
            lastOutcome = outcome;
            lastProvider = provider;
        }
        if ("ok".equals(outcome) || "cancelled".equals(outcome) && usage != null) {
            answered = span; // its cost is set when the exchange ends
            answeredEndNanos = clock.now();
        } else {
            span.end();
        }
    }

    private static void response(Span span, String id, String model, List<String> reasons) {
        if (id != null) {
            span.setAttribute(GEN_AI_RESPONSE_ID, id);
        }
        if (model != null) {
            span.setAttribute(GEN_AI_RESPONSE_MODEL, model);
        }
        if (!reasons.isEmpty()) {
            span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, reasons);
        }
    }

    @Override
    public void ended(RequestRecord record) {
        endAttempt("cancelled", 0, null);
        if (answered != null) {
            if (record.costNanos() >= 0) {
                answered.setAttribute(GATEWAY_COST_USD, record.costNanos() / 1e9);
            }
            answered.end(answeredEndNanos, TimeUnit.NANOSECONDS);
            answered = null;
        }
        int status = record.status();
        if (status > 0) {
            server.setAttribute(HTTP_RESPONSE_STATUS_CODE, status);
        }
        if (record.clientKeyId() != null) {
            server.setAttribute(GATEWAY_CLIENT_KEY, record.clientKeyId());
        }
        if (record.modelUsed() != null) {
            server.setAttribute(GATEWAY_MODEL, record.modelUsed());
        }
        if (record.provider() != null) {
            server.setAttribute(GATEWAY_PROVIDER, record.provider());
        }
        server.setAttribute(GATEWAY_ATTEMPTS, (long) attempts);
        if (record.costNanos() >= 0) {
            server.setAttribute(GATEWAY_COST_USD, record.costNanos() / 1e9);
        }
        if (record.failed()) {
            server.setAttribute(ERROR_TYPE, status >= 400 ? Integer.toString(status) : record.errorType());
            server.setAttribute(GATEWAY_ERROR_TYPE, record.errorType());
            if (status >= 500 || status == 0) {
                server.setStatus(StatusCode.ERROR, record.errorType());
            }
        }
        server.end();
    }
}
