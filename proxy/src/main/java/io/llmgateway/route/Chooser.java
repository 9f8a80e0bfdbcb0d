package io.llmgateway.route;

import io.llmgateway.config.Strategy;
import java.util.Arrays;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The routing strategies, each implemented once, in {@link #pick}: the route a strategy prefers among
 * those still open. Local admission picks one and takes its counters, and picks again only when that
 * loses a race; shared admission sends every eligible route to one reservation script, in the order of
 * successive picks ({@link #order}). Picking only reads (see {@link RoutingTable.ModelPlan#eligible}),
 * and allocates nothing.
 */
enum Chooser {
    /** The first open route in config order. */
    PRIORITY {
        @Override
        int pick(
                RoutingTable.ModelPlan plan,
                long tokens,
                Set<String> tried,
                boolean[] excluded,
                long now,
                RandomGenerator random) {
            for (int i = 0; i < plan.routes.length; i++) {
                if (plan.eligible(i, tokens, tried, excluded, now)) {
                    return i;
                }
            }
            return -1;
        }
    },

    /** The open route whose tightest limit has the largest remaining fraction; ties go to config order. */
    HEADROOM {
        @Override
        int pick(
                RoutingTable.ModelPlan plan,
                long tokens,
                Set<String> tried,
                boolean[] excluded,
                long now,
                RandomGenerator random) {
            int best = -1;
            double bestHeadroom = -1;
            for (int i = 0; i < plan.routes.length; i++) {
                if (plan.eligible(i, tokens, tried, excluded, now)) {
                    double h = plan.states[i].headroom(now);
                    if (h > bestHeadroom) {
                        best = i;
                        bestHeadroom = h;
                    }
                }
            }
            return best;
        }
    },

    /** A random open route, each in proportion to its weight. */
    WEIGHTED {
        @Override
        int pick(
                RoutingTable.ModelPlan plan,
                long tokens,
                Set<String> tried,
                boolean[] excluded,
                long now,
                RandomGenerator random) {
            int n = plan.routes.length;
            long total = 0;
            for (int i = 0; i < n; i++) {
                if (plan.eligible(i, tokens, tried, excluded, now)) {
                    total += plan.routes[i].weight();
                }
            }
            if (total == 0) {
                return -1;
            }
            long r = random.nextLong(total);
            for (int i = 0; i < n; i++) {
                if (plan.eligible(i, tokens, tried, excluded, now)) {
                    r -= plan.routes[i].weight();
                    if (r < 0) {
                        return i;
                    }
                }
            }
            return -1; // eligibility changed between the two passes; the caller denies or retries
        }
    };

    /**
     * The route this strategy prefers now, or -1 when none is open.
     *
     * @param tried providers the request already tried, never picked
     * @param excluded routes not to pick ({@code excluded[i]}), or null for none
     * @param now the injected clock's time, for circuits, learned limits and headroom
     * @param random the source of the weighted draw
     */
    abstract int pick(
            RoutingTable.ModelPlan plan,
            long tokens,
            Set<String> tried,
            boolean[] excluded,
            long now,
            RandomGenerator random);

    /**
     * Every open route in the order successive picks choose them: config order, decreasing headroom, or a
     * weighted draw without replacement.
     */
    final int[] order(RoutingTable.ModelPlan plan, long tokens, Set<String> tried, long now, RandomGenerator random) {
        int n = plan.routes.length;
        boolean[] picked = new boolean[n];
        int[] out = new int[n];
        int count = 0;
        while (count < n) {
            int i = pick(plan, tokens, tried, picked, now, random);
            if (i < 0) {
                break;
            }
            picked[i] = true;
            out[count++] = i;
        }
        return count == n ? out : Arrays.copyOf(out, count);
    }

    static Chooser of(Strategy strategy) {
        switch (strategy) {
            case HEADROOM:
                return HEADROOM;
            case WEIGHTED:
                return WEIGHTED;
            default:
                return PRIORITY;
        }
    }
}
