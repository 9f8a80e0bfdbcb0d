package io.llmgateway.demo;

import java.util.ArrayList;
import java.util.List;

/** The demo's reply text, its word tokens, and the rough word-based token counts it reports. */
final class DemoText {

    static final int QUOTE_LIMIT = 80;

    private DemoText() {}

    /** The deterministic reply to {@code said} (whitespace collapsed, cut at 80 characters). */
    static String reply(String said) {
        return "Hello from the LLM Gateway demo provider! You said: \"" + truncate(said)
                + "\". Configure real providers in config.yaml to get real answers.";
    }

    /** Splits {@code text} into stream tokens that concatenate back to it: "Hello", " from", ... */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
                tokens.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            tokens.add(text.substring(start));
        }
        return tokens;
    }

    /** A rough token count: whitespace-separated words. */
    static long words(String text) {
        long words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }

    /** Prompt tokens of several texts; at least 1 so that usage never looks like "nothing was sent". */
    static long promptTokens(List<String> texts) {
        long total = 0;
        for (String text : texts) {
            total += words(text);
        }
        return Math.max(1, total);
    }

    private static String truncate(String said) {
        String collapsed = said.strip().replaceAll("\\s+", " ");
        if (collapsed.codePointCount(0, collapsed.length()) <= QUOTE_LIMIT) {
            return collapsed;
        }
        return collapsed.substring(0, collapsed.offsetByCodePoints(0, QUOTE_LIMIT)) + "…";
    }
}
