package io.llmgateway;

import io.llmgateway.admin.AdminFeature;
import io.llmgateway.observe.Observability;
import io.llmgateway.server.Gateway;
import java.nio.file.Path;

/**
 * Plugs the optional parts (admin, logs, metrics, ...) into a gateway before it accepts connections.
 * Main and the end-to-end tests both call this, so tests run the gateway as users do.
 */
public final class Features {
    private Features() {}

    /**
     * @param gateway the gateway being started
     * @param configFile the file the config came from (null in demo mode): the admin page writes it back
     */
    public static void install(Gateway gateway, Path configFile) {
        // Each feature registers its local endpoints and request observers here.
        Observability observability = Observability.install(gateway);
        AdminFeature.install(gateway, configFile, observability);
    }
}
