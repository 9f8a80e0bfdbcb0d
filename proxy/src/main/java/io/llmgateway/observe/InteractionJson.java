package io.llmgateway.observe;

import io.llmgateway.spend.Cost;
import io.llmgateway.util.AsciiNumbers;
import io.llmgateway.util.JsonStrings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * One line of {@code agent_interactions.log}: a JSON object per request, for jq, Loki, Elasticsearch and
 * friends. The fields are always present (null when unknown) so that every line has the same shape; the
 * bodies appear only when {@code logging.log_bodies} put them into the record.
 *
 * <pre>{"time":"2025-01-31T12:00:00.123Z","request_id":"...","client_key_id":null,"path":"/chat/completions",
 * "model":"gpt-4o","model_used":"gpt-4o","provider":"openai","client_api":"openai","provider_api":"openai",
 * "stream":true,"status":200,
 * "attempts":[{"provider":"openai","model":"gpt-4o","outcome":"ok","status":200,"ms":812}],"failovers":0,
 * "ttfb_ms":240,"latency_ms":812,"prompt_tokens":12,"completion_tokens":30,"total_tokens":42,
 * "tokens_estimated":false,"error_type":null,"error_message":null}</pre>
 *
 * Written by hand as UTF-8 bytes into one reused buffer: at tens of thousands of requests a second this is
 * the log writer's main work, and a Jackson generator built per line, or a StringBuilder with a separate
 * encoding pass, costs a multiple of writing the bytes directly (InteractionLogBenchmark measures it).
 * Used by the single writer thread, which formats off the event loops; not thread-safe.
 */
public final class InteractionJson {
    private final Line line = new Line();
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] cachedSecondText; // "2025-01-31T12:00:00" for cachedSecond

    /** The record as one line ending in a newline; the returned buffer is reused by the next call. */
    public ByteArrayOutputStream format(RequestRecord r) {
        Line out = line;
        out.reset();
        out.ascii("{\"time\":\"");
        time(out, r.startEpochMillis());
        out.ascii("\"");
        out.field("request_id", r.requestId());
        out.field("client_key_id", r.clientKeyId());
        out.field("path", r.path());
        out.field("model", r.modelAsked());
        out.field("model_used", r.modelUsed());
        out.field("provider", r.provider());
        out.field("client_api", r.clientApi());
        out.field("provider_api", r.providerApi());
        out.ascii(r.stream() ? ",\"stream\":true" : ",\"stream\":false");
        out.ascii(",\"status\":").number(r.status());
        List<AttemptRecord> attempts = r.attempts();
        out.ascii(",\"attempts\":[");
        for (int i = 0; i < attempts.size(); i++) {
            AttemptRecord a = attempts.get(i);
            out.ascii(i == 0 ? "{\"provider\":" : ",{\"provider\":").stringOrNull(a.provider());
            out.field("model", a.model());
            out.field("outcome", a.outcome());
            out.ascii(",\"status\":").number(a.status());
            out.ascii(",\"ms\":").number(a.millis()).ascii("}");
        }
        out.ascii("],\"failovers\":").number(Math.max(0, attempts.size() - 1));
        out.ascii(",\"ttfb_ms\":");
        if (r.firstByteMillis() >= 0) {
            out.number(r.firstByteMillis());
        } else {
            out.ascii("null");
        }
        out.ascii(",\"latency_ms\":").number(r.totalMillis());
        if (r.gatewayPreNanos() >= 0) { // only when a provider's request was written
            out.ascii(",\"gateway_pre_us\":").number(r.gatewayPreNanos() / 1000);
            if (r.gatewayPostNanos() >= 0) {
                out.ascii(",\"gateway_post_us\":").number(r.gatewayPostNanos() / 1000);
            }
        }
        out.ascii(",\"prompt_tokens\":").number(r.promptTokens());
        out.ascii(",\"completion_tokens\":").number(r.completionTokens());
        out.ascii(",\"total_tokens\":").number(r.totalTokens());
        if (r.cacheCreationTokens() > 0 || r.cacheReadTokens() > 0) { // only providers with a prompt cache report them
            out.ascii(",\"cache_creation_input_tokens\":").number(r.cacheCreationTokens());
            out.ascii(",\"cache_read_input_tokens\":").number(r.cacheReadTokens());
        }
        out.ascii(r.tokensEstimated() ? ",\"tokens_estimated\":true" : ",\"tokens_estimated\":false");
        out.ascii(",\"cost_usd\":");
        if (r.costNanos() == RequestRecord.UNPRICED) {
            out.ascii("null");
        } else {
            out.ascii(Cost.usd(r.costNanos()));
        }
        if (r.cache() != null) { // only on models with caching on
            out.field("cache", r.cache());
            if (r.savedCostNanos() > 0) {
                out.ascii(",\"saved_cost_usd\":").ascii(Cost.usd(r.savedCostNanos()));
            }
        }
        out.field("error_type", r.errorType());
        out.field("error_message", r.errorMessage());
        if (r.requestBody() != null) {
            out.field("request_body", r.requestBody());
        }
        if (r.responseBody() != null) {
            out.field("response_body", r.responseBody());
        }
        out.ascii("}\n");
        return out;
    }

    /** ISO-8601 in UTC as {@link DateTimeFormatter#ISO_INSTANT} writes it; the formatter runs once a second. */
    private void time(Line out, long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != cachedSecond) {
            String text = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(second)); // ends in 'Z'
            cachedSecondText = text.substring(0, text.length() - 1).getBytes(StandardCharsets.US_ASCII);
            cachedSecond = second;
        }
        out.write(cachedSecondText, 0, cachedSecondText.length);
        int millis = (int) Math.floorMod(epochMillis, 1000);
        if (millis != 0) { // ISO_INSTANT leaves out a zero fraction and writes milliseconds as three digits
            out.ascii(".").number(millis / 100).number(millis / 10 % 10).number(millis % 10); // one digit each
        }
        out.ascii("Z");
    }

    /** The line being built: JSON pieces appended as bytes straight into the stream's own array. */
    private static final class Line extends ByteArrayOutputStream {
        Line() {
            super(1024);
        }

        /**
         * Appends text known to be ASCII (the names and punctuation of this format) with the deprecated
         * {@code getBytes(int, int, byte[], int)}: it keeps the low byte of each char, which is ASCII's
         * encoding, and is one array copy for such a string.
         */
        @SuppressWarnings("deprecation")
        Line ascii(String text) {
            int n = text.length();
            ensure(n);
            text.getBytes(0, n, buf, count);
            count += n;
            return this;
        }

        Line number(long value) {
            ensure(20);
            if (value < 0) {
                if (value == Long.MIN_VALUE) {
                    return ascii(Long.toString(value));
                }
                buf[count++] = '-';
                value = -value;
            }
            count = AsciiNumbers.writeDecimal(value, buf, count);
            return this;
        }

        void field(String name, String value) {
            ascii(",\"").ascii(name).ascii("\":").stringOrNull(value);
        }

        Line stringOrNull(String value) {
            if (value == null) {
                return ascii("null");
            }
            ensure(JsonStrings.maxQuotedUtf8Length(value));
            count = JsonStrings.writeQuotedUtf8(value, buf, count);
            return this;
        }

        private void ensure(int more) {
            if (buf.length - count < more) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }
    }
}
