package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestCa;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: an {@code http2: true} provider over https gets h2 when its ALPN offers it, and HTTP/1.1 when its
 * ALPN chooses that; the provider's private CA ({@code ca_file}) and host name checks apply as for HTTP/1.1.
 */
class Http2UpstreamTlsEndToEndTest {
    @TempDir
    Path dir;

    private TestCa.ServerFiles files;
    private Path caPem;

    @BeforeEach
    void certificates() throws Exception {
        TestCa ca = TestCa.create("h2-upstream-ca");
        files = ca.issue(dir, "provider", "127.0.0.1");
        caPem = ca.writeCaPem(dir.resolve("ca.pem"));
    }

    private SslContext serverTls(String... protocols) throws Exception {
        return SslContextBuilder.forServer(files.cert().toFile(), files.key().toFile())
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        protocols))
                .build();
    }

    private String config(MockUpstream provider) {
        return """
                server: {io_threads: 1}
                api_provider:
                  p: {base_url: "%s", ca_file: "%s", http2: true}
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(provider.baseUrl(), caPem);
    }

    @Test
    void alpnOffersH2_requestsAreStreamsOfOneTlsConnection() throws Exception {
        try (MockUpstream h2 = MockUpstream.startHttp2(
                        serverTls(ApplicationProtocolNames.HTTP_2), Http2Settings.defaultSettings());
                TestGateway g = TestGateway.start(config(h2))) {
            h2.setDefault(Behaviour.chatCompletion(MockUpstream.DEFAULT_CONTENT).withDelay(Duration.ofMillis(200)));

            Http2UpstreamEndToEndTest.assertAllOk(
                    Http2UpstreamEndToEndTest.concurrently(g, 8, Http2UpstreamEndToEndTest.CHAT));

            assertEquals(1, h2.connectionsAccepted());
            assertEquals(8, h2.requests().size());
            assertTrue(h2.requests().get(0).headers().containsKey("x-http2-stream-id"), "spoken over h2");
        }
    }

    @Test
    void alpnChoosesHttp11_requestsGoOverHttp11() throws Exception {
        try (MockUpstream h1 = MockUpstream.startTls(serverTls(ApplicationProtocolNames.HTTP_1_1));
                TestGateway g = TestGateway.start(config(h1))) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = g.post("/v1/chat/completions", Http2UpstreamEndToEndTest.CHAT);
                assertEquals(200, r.statusCode(), r.body());
            }

            assertEquals(3, h1.requests().size());
            assertFalse(h1.requests().get(0).headers().containsKey("x-http2-stream-id"));
            // The connection that learnt the provider's choice closed; the others are kept alive as usual.
            assertEquals(2, h1.connectionsAccepted());
        }
    }
}
