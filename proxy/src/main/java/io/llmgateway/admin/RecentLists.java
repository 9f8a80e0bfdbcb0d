package io.llmgateway.admin;

import static io.llmgateway.admin.AdminReply.done;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmgateway.observe.AttemptRecord;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.util.JsonValues;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The admin API's lists of recent errors and requests, each read after a sequence number. */
final class RecentLists {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    @FunctionalInterface
    private interface ItemWriter<T> {
        void write(JsonGenerator g, T item) throws IOException;
    }

    private final SeqRing<AdminError> errors;
    private final TrafficStats stats;

    RecentLists(SeqRing<AdminError> errors, TrafficStats stats) {
        this.errors = requireNonNull(errors, "errors");
        this.stats = requireNonNull(stats, "stats");
    }

    CompletionStage<AdminReply> recentErrors(AdminCall call) {
        List<SeqRing.Entry<AdminError>> list = errors.newerThan(call.queryLong("since", 0), limit(call));
        return done(AdminReply.ok(seqList("errors", errors.lastSeq(), list, (g, a) -> {
            g.writeNumberField("at", a.atMillis());
            g.writeStringField("source", a.source());
            Json.field(g, "model", a.model());
            Json.field(g, "provider", a.provider());
            g.writeNumberField("status", a.status());
            Json.field(g, "type", a.type());
            Json.field(g, "message", a.message());
            Json.field(g, "request_id", a.requestId());
        })));
    }

    CompletionStage<AdminReply> recentRequests(AdminCall call) {
        List<SeqRing.Entry<RequestRecord>> list = stats.recent(call.queryLong("since", 0), limit(call));
        return done(AdminReply.ok(seqList("requests", stats.lastRequestSeq(), list, (g, r) -> {
            g.writeNumberField("at", r.startEpochMillis());
            Json.field(g, "request_id", r.requestId());
            Json.field(g, "path", r.path());
            Json.field(g, "model", r.modelAsked());
            Json.field(g, "model_used", r.modelUsed());
            Json.field(g, "provider", r.provider());
            g.writeNumberField("status", r.status());
            g.writeBooleanField("stream", r.stream());
            g.writeNumberField("latency_ms", r.totalMillis());
            g.writeNumberField("first_byte_ms", r.firstByteMillis());
            g.writeNumberField("prompt_tokens", r.promptTokens());
            g.writeNumberField("completion_tokens", r.completionTokens());
            g.writeNumberField("total_tokens", r.totalTokens());
            g.writeBooleanField("tokens_estimated", r.tokensEstimated());
            Json.field(g, "error", r.errorMessage());
            g.writeArrayFieldStart("attempts");
            for (AttemptRecord a : r.attempts()) {
                g.writeStartObject();
                g.writeStringField("provider", a.provider());
                g.writeStringField("outcome", a.outcome());
                g.writeNumberField("status", a.status());
                g.writeNumberField("latency_ms", a.millis());
                g.writeEndObject();
            }
            g.writeEndArray();
        })));
    }

    /** {@code {"last_seq":n,"<name>":[{"seq":s,...item},...]}}. */
    private static <T> String seqList(String name, long lastSeq, List<SeqRing.Entry<T>> list, ItemWriter<T> item) {
        return JsonValues.write(g -> {
            g.writeStartObject();
            g.writeNumberField("last_seq", lastSeq);
            g.writeArrayFieldStart(name);
            for (SeqRing.Entry<T> e : list) {
                g.writeStartObject();
                g.writeNumberField("seq", e.seq());
                item.write(g, e.item());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static int limit(AdminCall call) {
        long l = call.queryLong("limit", DEFAULT_LIMIT);
        return (int) Math.max(1, Math.min(MAX_LIMIT, l));
    }
}
