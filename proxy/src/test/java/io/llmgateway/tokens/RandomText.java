package io.llmgateway.tokens;

import java.util.Random;

/** Random text for the tokenizer tests, drawn from pools of chars (a pool may hold surrogate pairs). */
final class RandomText {
    private RandomText() {}

    /**
     * Up to {@code maxChars - 1} chars, each from a random pool; a surrogate pair is usually taken whole,
     * sometimes only its first half (a lone surrogate).
     */
    static String of(Random random, String[] pools, int maxChars) {
        StringBuilder sb = new StringBuilder();
        int len = random.nextInt(maxChars);
        for (int i = 0; i < len; i++) {
            String pool = pools[random.nextInt(pools.length)];
            int at = random.nextInt(pool.length());
            if (Character.isHighSurrogate(pool.charAt(at))
                    && at + 1 < pool.length()
                    && Character.isLowSurrogate(pool.charAt(at + 1))
                    && random.nextInt(4) > 0) {
                sb.append(pool, at, at + 2);
            } else {
                sb.append(pool.charAt(at));
            }
        }
        return sb.toString();
    }
}
