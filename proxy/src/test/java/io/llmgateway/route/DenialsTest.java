package io.llmgateway.route;

import static io.llmgateway.config.Limits.UNLIMITED;
import static io.llmgateway.route.TestConfigs.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.llmgateway.limit.MutableClock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DenialsTest {

    private final MutableClock clock = MutableClock.at("2024-05-01T10:00:00Z");

    private static Denial denial(Admission a) {
        return assertInstanceOf(Denial.class, a, () -> a.toString());
    }

    private Router twoModels() {
        return new Router(
                new TestConfigs()
                        .provider("a", 1, UNLIMITED, UNLIMITED, 100)
                        .provider("b", 1, UNLIMITED, UNLIMITED, 1000)
                        .model("m1", route("a"))
                        .model("m2", route("b"))
                        .auto("m1", "m2")
                        .build(),
                clock);
    }

    @Test
    void admit_unknownModel_404() {
        Denial d = denial(twoModels().admit("nope", 10, Set.of()));
        assertEquals(new Denial(404, "The model 'nope' does not exist", 0), d);
    }

    @Test
    void admit_autoWithoutModelsInScope_503() {
        Denial d = denial(twoModels().admit("auto", 10, Set.of(), RouteScope.of(model -> false, null)));
        assertEquals(new Denial(503, "No model is configured for 'auto'", 0), d);
    }

    @Test
    void admit_autoAllFull_429AfterTheEarliestModel() {
        Router r = twoModels();
        assertInstanceOf(Attempt.class, r.admit("m2", 10, Set.of()));
        clock.advance(Duration.ofSeconds(20));
        assertInstanceOf(Attempt.class, r.admit("m1", 10, Set.of()));
        Denial d = denial(r.admit("auto", 10, Set.of()));
        assertEquals(
                new Denial(
                        429,
                        "No model can serve 'auto' right now."
                                + " No provider can serve model 'm1' right now: a rate limit reached (rpm 1/1, frees in 1m)."
                                + " No provider can serve model 'm2' right now: b rate limit reached (rpm 1/1, frees in 40s).",
                        40),
                d);
    }

    @Test
    void admit_autoNoneUntriedOrLargeEnough_503() {
        Denial d = denial(twoModels().admit("auto", 500, Set.of("b")));
        assertEquals(
                new Denial(
                        503,
                        "No model can serve 'auto' right now."
                                + " The request to model 'm1' needs an estimated 500 tokens, more than any of its providers accepts"
                                + " per request (largest tpr: 100)."
                                + " No untried provider left for model 'm2': b already tried.",
                        0),
                d);
    }

    @Test
    void admit_autoTooLargeForAll_400() {
        Denial d = denial(twoModels().admit("auto", 5000, Set.of()));
        assertEquals(400, d.status());
        assertEquals(0, d.retryAfterSeconds());
    }
}
