package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import io.llmgateway.testing.TestCa;
import io.llmgateway.testing.TlsRecordRelay;
import io.llmgateway.tls.TlsEngine;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small answer costs one TLS record each way: the answer's head and body, written as separate buffers in one
 * flush, are encrypted together, to a client and (the request's head and body) to a provider. Records are
 * counted by a relay that reads their headers, after a first exchange (which also carries the handshake's
 * session tickets).
 */
class TlsRecordsEndToEndTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    static Path dir;

    private static TestCa ca;
    private static TestCa.ServerFiles server;
    private static TestCa.ServerFiles provider;
    private static Path providerCa;

    @BeforeAll
    static void certificates() throws Exception {
        ca = TestCa.create("test-ca");
        server = ca.issue(dir, "server", "gateway");
        provider = ca.issue(dir, "provider", "127.0.0.1");
        providerCa = ca.writeCaPem(dir.resolve("provider-ca.pem"));
    }

    @Test
    void smallAnswer_reachesTheClientInOneRecord_openSsl() throws Exception {
        assertOneRecordPerAnswer();
    }

    @Test
    void smallAnswer_reachesTheClientInOneRecord_jdkEngine() throws Exception {
        System.setProperty(TlsEngine.PROPERTY, "jdk");
        try {
            assertOneRecordPerAnswer();
        } finally {
            System.clearProperty(TlsEngine.PROPERTY);
        }
    }

    private static void assertOneRecordPerAnswer() throws Exception {
        try (MockUpstream upstream = MockUpstream.start();
                TestGateway g = TestGateway.start("""
                        server:
                          tls: {cert_file: %s, key_file: %s}
                        api_provider:
                          p: {base_url: "%s", api_key: k}
                        model_config:
                          m: {p: {}}
                        """.formatted(server.cert(), server.key(), upstream.baseUrl()));
                TlsRecordRelay relay = TlsRecordRelay.start(g.tlsPort());
                RawHttp tls = RawHttp.connectTls(relay.port(), ca.sslContext())) {
            exchange(upstream, tls, "first");
            for (int i = 0; i < 3; i++) {
                int before = relay.recordsToClient();
                exchange(upstream, tls, "again " + i);
                assertEquals(1, relay.recordsToClient() - before, "records of one small answer");
            }
        }
    }

    @Test
    void smallRequest_reachesTheProviderInOneRecord() throws Exception {
        try (MockUpstream upstream = MockUpstream.startTls(provider.serverContext());
                TlsRecordRelay relay = TlsRecordRelay.start(upstream.port());
                TestGateway g = TestGateway.start("""
                        api_provider:
                          p: {base_url: "https://127.0.0.1:%d/v1", api_key: k, ca_file: %s}
                        model_config:
                          m: {p: {}}
                        """.formatted(relay.port(), providerCa));
                RawHttp plain = RawHttp.connect(g.port())) {
            exchange(upstream, plain, "first");
            for (int i = 0; i < 3; i++) {
                int before = relay.recordsToServer();
                exchange(upstream, plain, "again " + i);
                assertEquals(1, relay.recordsToServer() - before, "records of one small request");
            }
        }
    }

    private static void exchange(MockUpstream upstream, RawHttp client, String content) throws Exception {
        upstream.enqueue(Behaviour.chatCompletion(content));
        String answer = client.send(RawHttp.post("/v1/chat/completions", CHAT)).readResponse();
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains(content), answer);
        upstream.takeRequest(Duration.ofSeconds(5));
    }
}
