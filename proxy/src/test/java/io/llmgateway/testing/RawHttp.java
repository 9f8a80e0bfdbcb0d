package io.llmgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/** A raw-socket HTTP client for requests no well-behaved client library would send. */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    public static RawHttp connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        return new RawHttp(s);
    }

    /**
     * Connects to 127.0.0.1 from another local address, e.g. 127.0.0.2 (Linux routes all of 127/8 to the
     * loopback interface), so the server sees a second client address.
     */
    public static RawHttp connectFrom(String localAddress, int port) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(localAddress), 0);
        s.setSoTimeout(10_000);
        return new RawHttp(s);
    }

    /** Connects to 127.0.0.1 over TLS with {@code tls} (e.g. one trusting a test CA), handshake done. */
    public static RawHttp connectTls(int port, SSLContext tls) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setApplicationProtocols(new String[] {"http/1.1"});
        s.setSSLParameters(params);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return new RawHttp(s);
    }

    /** The TLS session of a {@link #connectTls} connection. */
    public SSLSession tlsSession() {
        return ((SSLSocket) socket).getSession();
    }

    /** The protocol ALPN chose on a {@link #connectTls} connection. */
    public String applicationProtocol() {
        return ((SSLSocket) socket).getApplicationProtocol();
    }

    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Everything the server sends until it closes the connection (or the timeout passes). */
    public String readUntilClose(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            all.write("\n<<timeout: connection still open>>".getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException reset) {
            all.write("\n<<reset>>".getBytes(StandardCharsets.ISO_8859_1));
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** What the server sends until {@code done} holds for all of it; the connection stays open. */
    public String readUntil(Predicate<String> done, int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        int n;
        while (!done.test(all.toString(StandardCharsets.UTF_8)) && (n = in.read(buf)) != -1) {
            all.write(buf, 0, n);
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** Reads one response with a Content-Length body; the connection stays open. */
    public String readResponse() throws IOException {
        String headers = readHead();
        if (headers.endsWith("<<closed>>")) {
            return headers;
        }
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = socket.getInputStream().readNBytes(length);
        return headers + new String(body, StandardCharsets.UTF_8);
    }

    /** Reads a response's status line and headers only (as after a HEAD request), up to the empty line. */
    public String readHead() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b == -1) {
                return head.toString(StandardCharsets.UTF_8) + "<<closed>>";
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public boolean isClosedByPeer(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A POST with a JSON body and correct framing. */
    public static String post(String path, String json, String... extraHeaderLines) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder("POST ")
                .append(path)
                .append(" HTTP/1.1\r\nHost: gw\r\n")
                .append("Content-Type: application/json\r\nContent-Length: ")
                .append(body.length)
                .append("\r\n");
        for (String h : extraHeaderLines) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n")
                .append(new String(body, StandardCharsets.ISO_8859_1))
                .toString();
    }
}
