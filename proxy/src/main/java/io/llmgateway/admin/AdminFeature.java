package io.llmgateway.admin;

import io.llmgateway.config.ConfigFileWriter;
import io.llmgateway.observe.Observability;
import io.llmgateway.server.Gateway;
import io.llmgateway.server.LocalExchange;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The admin page ({@code /admin}) and its JSON API ({@code /api/...}); {@code /} redirects to the page;
 * {@code /metrics} and {@code /api/usage} serve what {@link Observability} collects. It decides who may use
 * them all ({@link AdminAccess}).
 *
 * <p>What it adds to a gateway: five local endpoints, one request observer (an O(1) queue offer), and
 * one daemon thread that does all of the admin's work: statistics, config edits and file writes, and
 * scheduling health checks (whose HTTP runs on the gateway's event loops). All of it stops when the
 * gateway closes.
 */
public final class AdminFeature {
    private AdminFeature() {}

    /**
     * @param configFile the file the config came from, or null (demo mode): then edits apply in memory only
     * @param observability the metrics, usage statistics and request counts to serve
     */
    public static void install(Gateway gateway, Path configFile, Observability observability) {
        install(gateway, configFile, observability, System.getenv());
    }

    static void install(Gateway gateway, Path configFile, Observability observability, Map<String, String> env) {
        AdminAccess access = new AdminAccess(gateway);
        gateway.setManagementAccess(access);
        ScheduledExecutorService adminThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "llm-gateway-admin");
            t.setDaemon(true);
            return t;
        });
        LongSupplier clock = gateway.clock()::millis;
        SeqRing<AdminError> errors = new SeqRing<>(200);
        TrafficStats stats = new TrafficStats(observability.requests(), clock, errors);
        RecordFeed feed = new RecordFeed();
        HealthChecker health = new HealthChecker(gateway, adminThread, errors, clock);
        ConfigStore store = new ConfigStore(
                gateway,
                configFile,
                env,
                new ConfigFileWriter(),
                () -> health.schedule(gateway.config().admin().healthCheckInterval()));
        StaticAssets assets = new StaticAssets(access);
        AdminApi api = new AdminApi(gateway, access, adminThread, store, stats, feed, health, errors, clock);

        gateway.observers().add(feed);
        // Before the "/api/" prefix endpoint, so that the exact "/api/usage" is found first.
        gateway.endpoints().add("/metrics", new MetricsEndpoint(gateway, access, observability.metrics()));
        gateway.endpoints().add("/api/usage", new UsageEndpoint(gateway, access, observability.usage()));
        gateway.endpoints().add("/", AdminFeature::redirectToAdmin);
        gateway.endpoints().add("/admin/", assets::serve);
        gateway.endpoints().add("/api/", api::handle);
        // Often: a record that waits in the queue for long outlives young collections under load and gets
        // promoted, which keeps the collector running concurrent cycles.
        adminThread.scheduleWithFixedDelay(() -> feed.drainTo(stats::add), 100, 100, TimeUnit.MILLISECONDS);
        adminThread.execute(() -> health.schedule(gateway.config().admin().healthCheckInterval()));

        gateway.closeOnShutdown(() -> {
            gateway.observers().remove(feed);
            api.close();
            health.close();
            adminThread.shutdown();
            if (!adminThread.awaitTermination(2, TimeUnit.SECONDS)) {
                adminThread.shutdownNow();
            }
            api.close(); // anything a last task dispatched
        });
    }

    private static void redirectToAdmin(LocalExchange exchange) {
        FullHttpResponse r = AdminHttp.response(exchange, 302, null, new byte[0], AdminHttp.API_CSP);
        r.headers().set(HttpHeaderNames.LOCATION, "/admin");
        exchange.respond(r);
    }
}
