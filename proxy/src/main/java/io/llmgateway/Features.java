package io.llmgateway;

import io.llmgateway.admin.AdminFeature;
import io.llmgateway.observe.Observability;
import io.llmgateway.server.Gateway;
import io.llmgateway.spend.SpendLedger;
import io.llmgateway.spend.SpendStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Plugs the optional parts (admin, logs, metrics, ...) into a gateway before it accepts connections.
 * Main and the end-to-end tests both call this, so tests run the gateway as users do.
 */
public final class Features {
    private static final long RESTORE_WAIT_SECONDS = 30;

    private Features() {}

    /**
     * @param gateway the gateway being started
     * @param configFile the file the config came from (null in demo mode): the admin page writes it back
     */
    public static void install(Gateway gateway, Path configFile) {
        // Each feature registers its local endpoints and request observers here. Spend first: closed last,
        // once the requests that add to it are over.
        installSpend(gateway);
        Observability observability = Observability.install(gateway);
        gateway.tracing().metrics().forEach(observability.metrics()::register);
        AdminFeature.install(gateway, configFile, observability);
    }

    /**
     * Opens {@code gateway.spend_file} and records answered requests' spend in it until the gateway closes.
     *
     * @throws IllegalStateException naming the field when the file cannot be opened
     */
    static void installSpend(Gateway gateway) {
        String file = gateway.config().spend().spendFile();
        SpendStore store;
        try {
            store = SpendStore.open(Path.of(file), SpendStore.DEFAULT_FLUSH_INTERVAL);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("gateway.spend_file: " + e.getMessage(), e);
        }
        gateway.closeOnShutdown(store);
        gateway.setSpendLedger(new SpendLedger(store, gateway.clock()));
        try {
            // Before the port opens: budgets start from the spend of their period, not from zero.
            gateway.budgets().useStore(store).get(RESTORE_WAIT_SECONDS, TimeUnit.SECONDS);
            // With limits_store, Redis's figures are the truth: seeded from these where it has none.
            gateway.router().useBudgets(gateway.budgets());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("gateway.spend_file: interrupted while reading budgets' spend", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "gateway.spend_file: cannot read the spend of budgets from " + file + ": " + e.getMessage(), e);
        }
    }
}
