package io.llmgateway.observe;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * One line of {@code agent_interactions.log}: a JSON object per request, for jq, Loki, Elasticsearch and
 * friends. The fields are always present (null when unknown) so that every line has the same shape; the
 * bodies appear only when {@code logging.log_bodies} put them into the record.
 *
 * <pre>{"time":"2025-01-31T12:00:00.123Z","request_id":"...","client_key_id":null,"path":"/chat/completions",
 * "model":"gpt-4o","model_used":"gpt-4o","provider":"openai","stream":true,"status":200,
 * "attempts":[{"provider":"openai","model":"gpt-4o","outcome":"ok","status":200,"ms":812}],"failovers":0,
 * "ttfb_ms":240,"latency_ms":812,"prompt_tokens":12,"completion_tokens":30,"total_tokens":42,
 * "tokens_estimated":false,"error_type":null,"error_message":null}</pre>
 *
 * Used by the single writer thread, which formats off the event loops; not thread-safe.
 */
final class InteractionJson {
    private static final JsonFactory JSON = new JsonFactory();

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);

    /** The record as one line ending in a newline; the returned buffer is reused by the next call. */
    ByteArrayOutputStream format(RequestRecord r) {
        line.reset();
        try (JsonGenerator g = JSON.createGenerator(line, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.ofEpochMilli(r.startEpochMillis()).toString());
            g.writeStringField("request_id", r.requestId());
            g.writeStringField("client_key_id", r.clientKeyId());
            g.writeStringField("path", r.path());
            g.writeStringField("model", r.modelAsked());
            g.writeStringField("model_used", r.modelUsed());
            g.writeStringField("provider", r.provider());
            g.writeBooleanField("stream", r.stream());
            g.writeNumberField("status", r.status());
            List<AttemptRecord> attempts = r.attempts();
            g.writeArrayFieldStart("attempts");
            for (AttemptRecord a : attempts) {
                g.writeStartObject();
                g.writeStringField("provider", a.provider());
                g.writeStringField("model", a.model());
                g.writeStringField("outcome", a.outcome());
                g.writeNumberField("status", a.status());
                g.writeNumberField("ms", a.millis());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("failovers", Math.max(0, attempts.size() - 1));
            g.writeFieldName("ttfb_ms");
            if (r.firstByteMillis() >= 0) {
                g.writeNumber(r.firstByteMillis());
            } else {
                g.writeNull();
            }
            g.writeNumberField("latency_ms", r.totalMillis());
            g.writeNumberField("prompt_tokens", r.promptTokens());
            g.writeNumberField("completion_tokens", r.completionTokens());
            g.writeNumberField("total_tokens", r.totalTokens());
            g.writeBooleanField("tokens_estimated", r.tokensEstimated());
            g.writeStringField("error_type", r.errorType());
            g.writeStringField("error_message", r.errorMessage());
            if (r.requestBody() != null) {
                g.writeStringField("request_body", r.requestBody());
            }
            if (r.responseBody() != null) {
                g.writeStringField("response_body", r.responseBody());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        line.write('\n');
        return line;
    }
}
