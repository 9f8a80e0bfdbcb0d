package io.llmgateway.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * What a provider's answer says of itself, as its tap reads it on the way (for a trace span): the answer's id,
 * the model that answered and the finish reasons, in the provider's own words. The first id and model are kept
 * (a tool call's id comes later in both OpenAI's and Anthropic's answers); values are cut to
 * {@value #MAX_CHARS} chars and at most {@value #MAX_REASONS} distinct reasons are kept. One per answer, used
 * from one thread.
 */
public final class AnswerFacts {
    static final int MAX_CHARS = 128;
    static final int MAX_REASONS = 8;

    private String id;
    private String model;
    private List<String> reasons = List.of();

    /** The answer's id, unless one was noted already. */
    public void id(String id) {
        if (this.id == null && id != null) {
            this.id = cut(id);
        }
    }

    /** The model that answered, unless one was noted already. */
    public void model(String model) {
        if (this.model == null && model != null) {
            this.model = cut(model);
        }
    }

    /** A finish reason (OpenAI's {@code finish_reason}, Anthropic's {@code stop_reason}), unless already noted. */
    public void finishReason(String reason) {
        if (reason == null || reasons.size() >= MAX_REASONS || reasons.contains(reason)) {
            return;
        }
        if (reasons.isEmpty()) {
            reasons = new ArrayList<>(1);
        }
        reasons.add(cut(reason));
    }

    /** Whether the id and the model are both noted: what later events repeat need not be read again. */
    public boolean hasIdAndModel() {
        return id != null && model != null;
    }

    /** The answer's id, or null. */
    public String id() {
        return id;
    }

    /** The model that answered, or null. */
    public String model() {
        return model;
    }

    /** The finish reasons noted, in order (possibly none). */
    public List<String> finishReasons() {
        return reasons;
    }

    private static String cut(String s) {
        return s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) : s;
    }
}
