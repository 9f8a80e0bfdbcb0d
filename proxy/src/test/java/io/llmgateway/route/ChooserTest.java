package io.llmgateway.route;

import static io.llmgateway.config.Limits.UNLIMITED;
import static io.llmgateway.route.TestConfigs.disabled;
import static io.llmgateway.route.TestConfigs.route;
import static io.llmgateway.route.TestConfigs.weighted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.Strategy;
import io.llmgateway.limit.MutableClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ChooserTest {

    private final MutableClock clock = MutableClock.at("2024-05-01T10:00:00Z");

    /** A model {@code m} over providers a, b, c (rpm 10 each) with {@code routes}. */
    private RoutingTable.ModelPlan plan(Strategy strategy, ModelRoute... routes) {
        TestConfigs config = new TestConfigs();
        for (String name : List.of("a", "b", "c")) {
            config.provider(name, 10, UNLIMITED, UNLIMITED, 1000);
        }
        return RoutingTable.build(config.model("m", strategy, routes).build(), Map.of(), clock, null)
                .models
                .get("m");
    }

    private int pick(RoutingTable.ModelPlan plan, RandomGenerator random) {
        return plan.chooser.pick(plan, 10, Set.of(), null, clock.millis(), random);
    }

    private void take(RoutingTable.ModelPlan plan, int route, int requests) {
        for (int k = 0; k < requests; k++) {
            plan.states[route].limiter.tryAcquire(1, clock.millis());
        }
    }

    @Test
    void of_eachStrategy_itsChooser() {
        assertSame(Chooser.PRIORITY, Chooser.of(Strategy.PRIORITY));
        assertSame(Chooser.HEADROOM, Chooser.of(Strategy.HEADROOM));
        assertSame(Chooser.WEIGHTED, Chooser.of(Strategy.WEIGHTED));
    }

    @Test
    void pick_priority_firstOpenRouteInConfigOrder() {
        RoutingTable.ModelPlan p = plan(Strategy.PRIORITY, disabled("a"), route("b"), route("c"));
        long now = clock.millis();
        assertEquals(1, pick(p, null));
        assertEquals(2, p.chooser.pick(p, 10, Set.of("b"), null, now, null));
        assertEquals(2, p.chooser.pick(p, 10, Set.of(), new boolean[] {false, true, false}, now, null));
        assertEquals(-1, p.chooser.pick(p, 10, Set.of("b", "c"), null, now, null));
        assertEquals(-1, p.chooser.pick(p, 1001, Set.of(), null, now, null), "above every tpr");
    }

    @Test
    void pick_openCircuit_skippedUntilItsCooldownEndsOnTheClock() {
        RoutingTable.ModelPlan p = plan(Strategy.PRIORITY, route("a"), route("b"));
        p.states[0].breaker.onRateLimited(false, 5_000);
        assertEquals(1, pick(p, null));
        clock.advance(Duration.ofMillis(4_999));
        assertEquals(1, pick(p, null));
        clock.advance(Duration.ofMillis(1));
        assertEquals(0, pick(p, null));
    }

    @Test
    void pick_learnedLimitExhausted_skippedUntilItsResetOnTheClock() {
        RoutingTable.ModelPlan p = plan(Strategy.PRIORITY, route("a"), route("b"));
        p.states[0].learned.observe(
                Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "2s")::get, clock.millis());
        assertEquals(1, pick(p, null));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(0, pick(p, null));
    }

    @Test
    void pick_headroom_largestRemainingFractionAtTheClocksTime() {
        RoutingTable.ModelPlan p = plan(Strategy.HEADROOM, route("a"), route("b"), route("c"));
        take(p, 0, 5);
        take(p, 1, 2);
        take(p, 2, 2);
        assertEquals(1, pick(p, null), "b and c tie at 0.8: config order");
        clock.advance(Duration.ofSeconds(60));
        assertEquals(0, pick(p, null), "the windows slid: all at 1.0, config order");
    }

    @Test
    void pick_weighted_drawInProportionToTheOpenRoutesWeights() {
        RoutingTable.ModelPlan p = plan(Strategy.WEIGHTED, weighted("a", 1), weighted("b", 2), weighted("c", 3));
        int[] expected = {0, 1, 1, 2, 2, 2};
        for (int r = 0; r < 6; r++) {
            Draws draws = new Draws(r);
            assertEquals(expected[r], pick(p, draws), "draw " + r);
            assertEquals(List.of(6L), draws.bounds);
        }
        Draws draws = new Draws(1);
        assertEquals(2, p.chooser.pick(p, 10, Set.of("b"), null, clock.millis(), draws));
        assertEquals(List.of(4L), draws.bounds, "only a and c are open");
        assertEquals(-1, p.chooser.pick(p, 10, Set.of("a", "b", "c"), null, clock.millis(), new Draws()));
    }

    @Test
    void order_priority_openRoutesInConfigOrder() {
        RoutingTable.ModelPlan p = plan(Strategy.PRIORITY, route("a"), disabled("b"), route("c"));
        assertArrayEquals(new int[] {0, 2}, p.chooser.order(p, 10, Set.of(), clock.millis(), null));
        assertArrayEquals(new int[] {2}, p.chooser.order(p, 10, Set.of("a"), clock.millis(), null));
    }

    @Test
    void order_headroom_decreasingHeadroomTiesInConfigOrder() {
        RoutingTable.ModelPlan p = plan(Strategy.HEADROOM, route("a"), route("b"), route("c"));
        take(p, 0, 3);
        take(p, 2, 1);
        assertArrayEquals(new int[] {1, 2, 0}, p.chooser.order(p, 10, Set.of(), clock.millis(), null));
        take(p, 1, 3);
        assertArrayEquals(new int[] {2, 0, 1}, p.chooser.order(p, 10, Set.of(), clock.millis(), null));
        clock.advance(Duration.ofSeconds(60));
        assertArrayEquals(new int[] {0, 1, 2}, p.chooser.order(p, 10, Set.of(), clock.millis(), null));
    }

    @Test
    void order_weighted_drawsWithoutReplacement() {
        RoutingTable.ModelPlan p = plan(Strategy.WEIGHTED, weighted("a", 1), weighted("b", 2), weighted("c", 3));
        // 5 of 6 is c; then 1 of a + b (3) is b; then a alone.
        Draws draws = new Draws(5, 1, 0);
        assertArrayEquals(new int[] {2, 1, 0}, p.chooser.order(p, 10, Set.of(), clock.millis(), draws));
        assertEquals(List.of(6L, 3L, 1L), draws.bounds);
        draws = new Draws(0, 0, 0);
        assertArrayEquals(new int[] {0, 1, 2}, p.chooser.order(p, 10, Set.of(), clock.millis(), draws));
        assertEquals(List.of(6L, 5L, 3L), draws.bounds);
    }

    /** Answers {@code nextLong(bound)} with the given values in turn and records the bounds asked for. */
    private static final class Draws implements RandomGenerator {
        final Queue<Long> values = new ArrayDeque<>();
        final List<Long> bounds = new ArrayList<>();

        Draws(long... values) {
            for (long v : values) {
                this.values.add(v);
            }
        }

        @Override
        public long nextLong(long bound) {
            bounds.add(bound);
            long v = values.remove();
            if (v < 0 || v >= bound) {
                throw new AssertionError("draw " + v + " out of [0, " + bound + ')');
            }
            return v;
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("only bounded draws");
        }
    }
}
