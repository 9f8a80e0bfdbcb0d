package io.llmgateway.observe;

import io.llmgateway.openai.JsonStrings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
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
 * Written by hand into reused buffers (a line per request adds up: Jackson's generator, built per line,
 * was two thirds of the log writer's time). Used by the single writer thread, which formats off the event
 * loops; not thread-safe.
 */
final class InteractionJson {
    private final StringBuilder text = new StringBuilder(1024);
    private byte[] ascii = new byte[1024];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);

    /** The record as one line ending in a newline; the returned buffer is reused by the next call. */
    ByteArrayOutputStream format(RequestRecord r) {
        StringBuilder sb = text;
        sb.setLength(0);
        sb.append("{\"time\":\"");
        DateTimeFormatter.ISO_INSTANT.formatTo(Instant.ofEpochMilli(r.startEpochMillis()), sb);
        sb.append('"');
        string(sb, "request_id", r.requestId());
        string(sb, "client_key_id", r.clientKeyId());
        string(sb, "path", r.path());
        string(sb, "model", r.modelAsked());
        string(sb, "model_used", r.modelUsed());
        string(sb, "provider", r.provider());
        sb.append(",\"stream\":").append(r.stream());
        sb.append(",\"status\":").append(r.status());
        List<AttemptRecord> attempts = r.attempts();
        sb.append(",\"attempts\":[");
        for (int i = 0; i < attempts.size(); i++) {
            AttemptRecord a = attempts.get(i);
            sb.append(i == 0 ? "{\"provider\":" : ",{\"provider\":");
            JsonStrings.appendQuotedOrNull(sb, a.provider());
            string(sb, "model", a.model());
            string(sb, "outcome", a.outcome());
            sb.append(",\"status\":").append(a.status());
            sb.append(",\"ms\":").append(a.millis()).append('}');
        }
        sb.append("],\"failovers\":").append(Math.max(0, attempts.size() - 1));
        sb.append(",\"ttfb_ms\":");
        if (r.firstByteMillis() >= 0) {
            sb.append(r.firstByteMillis());
        } else {
            sb.append("null");
        }
        sb.append(",\"latency_ms\":").append(r.totalMillis());
        sb.append(",\"prompt_tokens\":").append(r.promptTokens());
        sb.append(",\"completion_tokens\":").append(r.completionTokens());
        sb.append(",\"total_tokens\":").append(r.totalTokens());
        sb.append(",\"tokens_estimated\":").append(r.tokensEstimated());
        string(sb, "error_type", r.errorType());
        string(sb, "error_message", r.errorMessage());
        if (r.requestBody() != null) {
            string(sb, "request_body", r.requestBody());
        }
        if (r.responseBody() != null) {
            string(sb, "response_body", r.responseBody());
        }
        sb.append("}\n");
        line.reset();
        encode(sb);
        return line;
    }

    private static void string(StringBuilder sb, String name, String value) {
        sb.append(",\"").append(name).append("\":");
        JsonStrings.appendQuotedOrNull(sb, value);
    }

    /** UTF-8 into {@link #line} with one write: a byte loop for the usual all-ASCII line, the JDK otherwise. */
    private void encode(StringBuilder sb) {
        int n = sb.length();
        if (ascii.length < n) {
            ascii = new byte[Math.max(n, ascii.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            char c = sb.charAt(i);
            if (c >= 0x80) {
                line.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
            ascii[i] = (byte) c;
        }
        line.write(ascii, 0, n);
    }
}
