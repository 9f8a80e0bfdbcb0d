package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestCa;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar speaks HTTP/2 to clients (Netty's HTTP/2 codec and ALPN with OpenSSL must be in it): curl gets a chat
 * answer and a stream over h2 by ALPN on the TLS port and over h2c with prior knowledge on the plain port.
 */
class Http2IT {
    @TempDir
    Path dir;

    @Test
    void curl_overH2AndH2c_chatsAndStreams() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        TestCa ca = TestCa.create("artifact-ca");
        TestCa.ServerFiles files = ca.issue(dir.resolve("certs"), "tls", "localhost");
        Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
        int tlsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            tlsPort = free.getLocalPort();
        }
        try (MockUpstream upstream = GatewayClient.provider()) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    server:
                      host: 127.0.0.1
                      tls:
                        port: %d
                        cert_file: %s
                        key_file: %s
                    api_provider:
                      mock:
                        base_url: %s
                    model_config:
                      gpt-4o:
                        mock: {}
                    """.formatted(tlsPort, files.cert(), files.key(), upstream.baseUrl()));
            try (GatewayProcess gateway =
                    GatewayProcess.start(dir.resolve("run"), "--config", config.toString(), "--port", "0")) {
                String h2 = "https://localhost:" + tlsPort + "/v1/chat/completions";
                String h2c = "http://127.0.0.1:" + gateway.port() + "/v1/chat/completions";
                for (String[] how : new String[][] {{"--http2", h2}, {"--http2-prior-knowledge", h2c}}) {
                    String chat = curl(caPem, how[0], how[1], GatewayClient.chatBody("gpt-4o", false));
                    assertTrue(chat.startsWith("HTTP/2 200"), chat);
                    assertTrue(chat.contains(GatewayClient.ANSWER), chat);
                    String stream = curl(caPem, how[0], how[1], GatewayClient.chatBody("gpt-4o", true));
                    assertTrue(stream.startsWith("HTTP/2 200"), stream);
                    assertTrue(stream.contains("data: [DONE]"), stream);
                }
                gateway.assertStopsCleanly();
            }
        }
    }

    private static String curl(Path caPem, String version, String url, String body) throws Exception {
        List<String> command = new ArrayList<>(
                List.of("/usr/bin/curl", "-sS", "-i", "--max-time", "20", "--cacert", caPem.toString(), version));
        command.addAll(List.of("-H", "content-type: application/json", "-d", body, url));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
