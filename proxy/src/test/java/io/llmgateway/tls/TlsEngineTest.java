package io.llmgateway.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.TestCa;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 28: the engine is OpenSSL where it loads, the JDK's when asked, and a wrong choice is named. */
class TlsEngineTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty(TlsEngine.PROPERTY);
    }

    @Test
    void provider_isOpenSslByDefault_andTheJdkWhenForced() throws Exception {
        assertEquals(SslProvider.OPENSSL, TlsEngine.provider());
        assertEquals("OpenSSL (BoringSSL)", TlsEngine.describe(SslProvider.OPENSSL));

        System.setProperty(TlsEngine.PROPERTY, "JDK");
        assertEquals(SslProvider.JDK, TlsEngine.provider());
        assertEquals("JDK", TlsEngine.describe(TlsEngine.provider()));
    }

    @Test
    void provider_unknownName_isNamed() {
        System.setProperty(TlsEngine.PROPERTY, "gnutls");

        IllegalStateException e = assertThrows(IllegalStateException.class, TlsEngine::provider);
        assertEquals("-Dllmgateway.tls.engine=gnutls: unknown TLS engine (expected: openssl or jdk)", e.getMessage());
    }

    @Test
    void serverCertificates_buildOnEitherEngine() throws Exception {
        TestCa.ServerFiles files = TestCa.create("engine-ca").issue(dir, "server", "server");
        for (SslProvider engine : List.of(SslProvider.OPENSSL, SslProvider.JDK)) {
            try (ServerCertificates certs = ServerCertificates.load(
                    files.cert().toString(), files.key().toString(), List.of("TLSv1.3"), engine, Clock.systemUTC())) {
                assertTrue(certs.current().isServer());
                assertEquals(engine, certs.provider());
                assertEquals(
                        List.of("http/1.1"),
                        certs.current().applicationProtocolNegotiator().protocols());
            }
        }
    }
}
