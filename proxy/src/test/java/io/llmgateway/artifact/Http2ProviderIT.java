package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import io.llmgateway.testing.TestCa;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar with an {@code http2: true} provider over https: the HTTP/2 codec is in it, ALPN chooses h2 on the
 * jar's TLS engine, and plain and streamed answers come back over one connection.
 */
class Http2ProviderIT {
    @TempDir
    Path dir;

    @Test
    void http2Provider_overTls_worksFromTheJar() throws Exception {
        TestCa ca = TestCa.create("h2-provider-ca");
        TestCa.ServerFiles files = ca.issue(dir, "provider", "127.0.0.1");
        Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
        try (MockUpstream h2 = MockUpstream.startHttp2(
                SslContextBuilder.forServer(files.cert().toFile(), files.key().toFile())
                        .applicationProtocolConfig(new ApplicationProtocolConfig(
                                ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2))
                        .build(),
                Http2Settings.defaultSettings())) {
            h2.setDefault(Behaviour.streamAware(
                    Behaviour.chatCompletion(GatewayClient.ANSWER), Behaviour.sse("Hello", " from", " a stream")));
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    server:
                      host: 127.0.0.1
                      io_threads: 1
                    api_provider:
                      p:
                        base_url: %s
                        ca_file: %s
                        http2: true
                    model_config:
                      gpt-4o:
                        p: {}
                    """.formatted(h2.baseUrl(), caPem));
            try (GatewayProcess gateway = GatewayProcess.start(dir, "--config", config.toString(), "--port", "0")) {
                GatewayClient client = gateway.client();

                assertTrue(client.assertChat("gpt-4o").contains(GatewayClient.ANSWER));
                client.assertStream("gpt-4o");

                for (int i = 0; i < 2; i++) {
                    RecordedRequest seen = h2.takeRequest(Duration.ofSeconds(5));
                    assertEquals("/v1/chat/completions", seen.uri());
                    assertTrue(seen.headers().containsKey("x-http2-stream-id"), "not spoken over h2");
                }
                assertEquals(1, h2.connectionsAccepted(), "both requests on one connection");
                gateway.assertStopsCleanly();
            }
        }
    }
}
