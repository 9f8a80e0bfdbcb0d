package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.IoTransport;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.transport.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The jar on each socket transport ({@code server.transport}): their native libraries must be in it and load.
 * A transport this machine lacks (io_uring under Docker's default seccomp profile) is skipped, saying so.
 */
class TransportIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = IoTransport.class,
            names = {"IO_URING", "EPOLL", "NIO"})
    void eachTransport_answersAndStopsCleanly(IoTransport transport) throws Exception {
        Assumptions.assumeTrue(
                Transport.isAvailable(transport),
                transport.configName() + " is not available on this machine: skipping its artifact test");
        try (MockUpstream upstream = GatewayClient.provider()) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    server:
                      host: 127.0.0.1
                      transport: %s
                    api_provider:
                      mock:
                        base_url: %s
                    model_config:
                      gpt-4o:
                        mock: {}
                    """.formatted(transport.configName(), upstream.baseUrl()));
            try (GatewayProcess gateway = GatewayProcess.start(dir, "--config", config.toString(), "--port", "0")) {
                String started = transport.configName() + " transport";
                assertTrue(gateway.stdout().contains(started), gateway.stdout());
                GatewayClient client = gateway.client();

                assertTrue(client.assertChat("gpt-4o").contains(GatewayClient.ANSWER));
                client.assertStream("gpt-4o");

                gateway.assertStopsCleanly();
            }
        }
    }
}
