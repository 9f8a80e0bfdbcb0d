package io.llmgateway.tokens;

import com.knuddels.jtokkit.api.Encoding;

/** One of jtokkit's encodings: r50k_base, p50k_base or p50k_edit, when a config names one. */
record JtokkitCounter(Encoding encoding) implements TokenCounter {
    @Override
    public String name() {
        return encoding.getName();
    }

    @Override
    public int count(String text) {
        return encoding.countTokensOrdinary(text);
    }
}
