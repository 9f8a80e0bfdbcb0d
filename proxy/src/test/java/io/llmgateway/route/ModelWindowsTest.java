package io.llmgateway.route;

import static io.llmgateway.route.TestConfigs.disabled;
import static io.llmgateway.route.TestConfigs.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.config.Limits;
import io.llmgateway.limit.MutableClock;
import io.llmgateway.protocol.Usage;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 7: Router.windows(model), the numbers behind the x-ratelimit-* headers. */
class ModelWindowsTest {
    private static final long U = Limits.UNLIMITED;
    private final MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");

    private Router router(TestConfigs c) {
        return new Router(c.build(), clock);
    }

    private static void admit(Router r, String model, long tokens) {
        Admission a = r.admit(model, tokens, Set.of());
        if (!(a instanceof Attempt)) {
            throw new AssertionError("denied: " + a);
        }
    }

    @Test
    void windows_sumEnabledProviders_andSkipDisabledOnes() {
        Router r = router(new TestConfigs()
                .provider("a", 10, 1000, U, U)
                .provider("b", 20, 500, U, U)
                .provider("c", 99, 99, U, U)
                .model("m", route("a"), route("b"), disabled("c")));

        admit(r, "m", 100);
        admit(r, "m", 50);
        admit(r, "m", 30);

        ModelWindows w = r.windows("m");
        assertEquals(30, w.requestLimit());
        assertEquals(27, w.requestsRemaining());
        assertEquals(1500, w.tokenLimit());
        assertEquals(1500 - 180, w.tokensRemaining());
    }

    @Test
    void windows_resetIsWhenTheWindowIsEmptyAgain() {
        Router r = router(new TestConfigs().provider("a", 10, 1000, U, U).model("m", route("a")));
        assertEquals(0, r.windows("m").requestsResetMillis(), "empty window: nothing to wait for");

        admit(r, "m", 10);
        clock.advance(Duration.ofSeconds(20));
        admit(r, "m", 10);

        ModelWindows w = r.windows("m");
        assertEquals(60_000, w.requestsResetMillis(), "the last request leaves the window in 60 s");
        assertEquals(60_000, w.tokensResetMillis());
        clock.advance(Duration.ofSeconds(45));
        assertEquals(15_000, r.windows("m").requestsResetMillis());
        clock.advance(Duration.ofSeconds(15));
        assertEquals(0, r.windows("m").requestsResetMillis());
        assertEquals(10, r.windows("m").requestsRemaining());
    }

    @Test
    void windows_oneUnlimitedProviderMakesThatDimensionUnlimited() {
        Router r = router(new TestConfigs()
                .provider("a", 10, 1000, U, U)
                .provider("b", 5, U, U, U)
                .model("m", route("a"), route("b")));

        ModelWindows w = r.windows("m");

        assertEquals(15, w.requestLimit());
        assertEquals(U, w.tokenLimit());
    }

    @Test
    void windows_autoCountsEachProviderOnce() {
        Router r = router(new TestConfigs()
                .provider("a", 10, U, U, U)
                .provider("b", 20, U, U, U)
                .model("m1", route("a"))
                .model("m2", route("a"), route("b"))
                .auto("m1", "m2"));

        assertEquals(30, r.windows("auto").requestLimit());
    }

    @Test
    void windows_unknownModelOrNoEnabledProvider_isNull() {
        Router r = router(new TestConfigs().provider("a", 10, U, U, U).model("m", disabled("a")));

        assertNull(r.windows("nope"));
        assertNull(r.windows("m"));
    }

    @Test
    void windows_remainingNeverNegative_whenRealUsageOvershotTheLimit() {
        Router r = router(new TestConfigs().provider("a", 10, 100, U, U).model("m", route("a")));
        Attempt a = (Attempt) r.admit("m", 90, Set.of());
        a.succeeded(new Usage(100, 100, 200, false));

        assertEquals(0, r.windows("m").tokensRemaining());
    }
}
