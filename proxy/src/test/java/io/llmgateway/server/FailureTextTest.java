package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailureTextTest {

    @Test
    void kind_namesTheFailure_neverTheAddressInTheMessage() {
        assertEquals(
                "connection refused",
                FailureText.kind(new ConnectException("Connection refused: provider.internal/10.1.2.3:8443")));
        assertEquals(
                "connect timed out",
                FailureText.kind(new ConnectTimeoutException("connection timed out after 5000 ms: /10.1.2.3:443")));
        assertEquals("host unreachable", FailureText.kind(new NoRouteToHostException("No route to host: /10.9.9.9")));
        assertEquals("host unreachable", FailureText.kind(new ConnectException("Network is unreachable: /10.9.9.9")));
        assertEquals("connection failed", FailureText.kind(new ConnectException("something: /10.9.9.9:1")));
        assertEquals(
                "host name not resolved",
                FailureText.kind(new UnknownHostException("failed to resolve 'provider.internal'")));
        assertEquals(
                "TLS handshake failed",
                FailureText.kind(new DecoderException(new SSLHandshakeException("PKIX path building failed"))));
        assertEquals("TLS handshake failed", FailureText.kind(new NotSslRecordException("not an SSL/TLS record")));
        assertEquals("TLS error", FailureText.kind(new SSLException("bad record MAC")));
        assertEquals(
                "connection reset",
                FailureText.kind(new IOException("recvAddress(..) failed: Connection reset by peer")));
        assertEquals("connection closed", FailureText.kind(new ClosedChannelException()));
        assertEquals("connection error", FailureText.kind(new IOException("odd failure at 10.1.2.3:80")));
        assertEquals(
                "IllegalArgumentException",
                FailureText.kind(new IllegalArgumentException("invalid version format: 10.1.2.3")));
    }
}
