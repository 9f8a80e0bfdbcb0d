package io.llmgateway.trace;

import io.llmgateway.observe.RequestRecord;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.route.Attempt;
import io.netty.buffer.ByteBuf;
import java.util.function.BiConsumer;

/**
 * The spans of one proxied exchange: a server span for the client's request and a client span per attempt at a
 * provider. The exchange reports what happens to it here, on its event loop; {@link #OFF} (tracing not
 * configured) does nothing and holds nothing, so an untraced request pays one interface call per report.
 */
public interface ExchangeTrace {
    /** No tracing: every report is ignored, and the client's trace context goes to providers unchanged. */
    ExchangeTrace OFF = new ExchangeTrace() {};

    /** The client's request body (owned by the caller, not consumed): read for its sampling parameters. */
    default void request(ByteBuf body) {}

    /**
     * The request as read.
     *
     * @param model the model the client asked for
     * @param maxTokens the most output tokens it asked for, or a negative number when it named none
     */
    default void facts(String model, boolean stream, long maxTokens) {}

    /** An attempt at a provider starts: a client span, child of the server span. */
    default void attemptStarted(Attempt attempt) {}

    /**
     * Whether the request sent to providers carries this trace's context ({@link #propagate}) instead of the
     * client's {@code traceparent} and {@code tracestate}, which are forwarded unchanged otherwise.
     */
    default boolean replacesContext() {
        return false;
    }

    /** Writes the current attempt's {@code traceparent} (and {@code tracestate}) with {@code header}. */
    default void propagate(BiConsumer<String, String> header) {}

    /**
     * A 2xx answer of the current attempt starts, read by {@code tap}: a sampled span has it note the answer's id,
     * model and finish reasons ({@link AnswerTap#noteFacts}).
     */
    default void answerTap(AnswerTap tap) {}

    /** A chunk of a 2xx answer, as the provider sent it (owned by the caller, not consumed). */
    default void answerBytes(ByteBuf chunk) {}

    /** The first bytes of the answer go to the client. */
    default void firstByte() {}

    /**
     * The current attempt ended.
     *
     * @param outcome {@code ok} or the failure kind, as the request's record names it
     * @param status the provider's HTTP status, 0 when none came
     * @param usage the usage the exchange settled with when the attempt answered, else null
     */
    default void attemptEnded(String outcome, int status, Usage usage) {}

    /** The exchange ended with {@code record}: ends its spans. */
    default void ended(RequestRecord record) {}
}
