package io.llmgateway.route;

import static io.llmgateway.route.TestConfigs.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Limits;
import io.llmgateway.config.LimitsStoreSettings;
import io.llmgateway.testing.RedisServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Admission within a {@link RouteScope}: auto among the caller's models, a path among the providers that take it. */
class RouteScopeTest {
    private static final long U = Limits.UNLIMITED;

    private static GatewayConfig config() {
        return new TestConfigs()
                .provider("small", 1, U, U, U)
                .provider("big")
                .provider("batcher")
                .extraEndpoints("batcher", "batches")
                .model("mini", route("small"))
                .model("gpt-4o", route("big"), route("batcher"))
                .auto("mini", "gpt-4o")
                .build();
    }

    private static Admission admit(Router r, String model, RouteScope scope) {
        return r.admit(model, 10, Set.of(), scope);
    }

    @Test
    void auto_choosesOnlyAmongTheCallersModels() {
        Router r = new Router(config(), Clock.systemUTC());
        RouteScope onlyMini = RouteScope.of("mini"::equals, null);

        Attempt first = assertInstanceOf(Attempt.class, admit(r, "auto", onlyMini));
        Denial second = assertInstanceOf(Denial.class, admit(r, "auto", onlyMini));
        Attempt anyModel = assertInstanceOf(Attempt.class, admit(r, "auto", RouteScope.ANY));

        assertEquals("small", first.provider());
        assertEquals(429, second.status(), second.message());
        assertTrue(second.message().contains("'mini'") && !second.message().contains("gpt-4o"), second.message());
        assertEquals("big", anyModel.provider(), "without a bound auto moves on to the next model");
        r.close();
    }

    @Test
    void family_onlyProvidersThatTakeIt() {
        Router r = new Router(config(), Clock.systemUTC());

        Attempt batches = assertInstanceOf(Attempt.class, admit(r, "gpt-4o", RouteScope.of(null, "batches")));
        Denial files = assertInstanceOf(Denial.class, admit(r, "gpt-4o", RouteScope.of(null, "files")));
        Attempt chat = assertInstanceOf(Attempt.class, admit(r, "gpt-4o", RouteScope.ANY));

        assertEquals("batcher", batches.provider(), "big comes first but does not take batches");
        assertEquals(503, files.status(), files.message());
        assertEquals("big", chat.provider());
        r.close();
    }

    @Test
    void sharedStore_appliesTheSameScope() throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip()) {
            GatewayConfig shared = config().withLimitsStore(
                            new LimitsStoreSettings(URI.create(redis.uri()), Duration.ofSeconds(2), 0.5));
            Router r = new Router(shared, Clock.systemUTC());
            try {
                RouteScope onlyMini = RouteScope.of("mini"::equals, null);
                assertEquals(
                        "small",
                        assertInstanceOf(Attempt.class, decide(r, "auto", onlyMini))
                                .provider());
                Denial limited = assertInstanceOf(Denial.class, decide(r, "auto", onlyMini));
                assertEquals(429, limited.status(), limited.message());
                assertEquals(
                        "batcher",
                        assertInstanceOf(Attempt.class, decide(r, "gpt-4o", RouteScope.of(null, "batches")))
                                .provider());
                assertEquals(
                        "batcher",
                        assertInstanceOf(Attempt.class, decide(r, "auto", RouteScope.of(null, "batches")))
                                .provider(),
                        "mini has no route that takes it");
            } finally {
                r.close();
            }
        }
    }

    private static Admission decide(Router r, String model, RouteScope scope) {
        return r.admitAsync(model, 10, Set.of(), scope)
                .toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS)
                .join();
    }
}
