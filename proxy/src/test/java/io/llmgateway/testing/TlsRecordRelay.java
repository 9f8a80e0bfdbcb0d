package io.llmgateway.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback between a TLS client and a TLS server that counts the application-data records going
 * each way, read from the records' plain 5-byte headers: how many encrypt calls the sender made, without a
 * capture. It relays one connection (the first it accepts) and counts a record before forwarding it, so a count
 * taken after the receiver has read an answer includes that answer's records.
 */
public final class TlsRecordRelay implements AutoCloseable {
    private static final int APPLICATION_DATA = 23;

    private final ServerSocket listener;
    private final int targetPort;
    private final AtomicInteger toServer = new AtomicInteger();
    private final AtomicInteger toClient = new AtomicInteger();
    private volatile Socket client;
    private volatile Socket server;

    private TlsRecordRelay(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
    }

    /** Starts a relay to {@code targetPort} on 127.0.0.1. */
    public static TlsRecordRelay start(int targetPort) throws IOException {
        TlsRecordRelay relay = new TlsRecordRelay(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()), targetPort);
        Thread accept = new Thread(relay::acceptOne, "tls-relay-accept");
        accept.setDaemon(true);
        accept.start();
        return relay;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Application-data records the client has sent so far. */
    public int recordsToServer() {
        return toServer.get();
    }

    /** Application-data records the server has sent so far. */
    public int recordsToClient() {
        return toClient.get();
    }

    private void acceptOne() {
        try {
            Socket c = listener.accept();
            Socket s = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            c.setTcpNoDelay(true);
            s.setTcpNoDelay(true);
            client = c;
            server = s;
            pump("tls-relay-up", c.getInputStream(), s.getOutputStream(), toServer);
            pump("tls-relay-down", s.getInputStream(), c.getOutputStream(), toClient);
        } catch (IOException e) {
            close();
        }
    }

    private void pump(String name, InputStream from, OutputStream to, AtomicInteger count) {
        Thread t = new Thread(
                () -> {
                    DataInputStream in = new DataInputStream(from);
                    byte[] header = new byte[5];
                    try {
                        while (true) {
                            in.readFully(header);
                            byte[] body = new byte[((header[3] & 0xff) << 8) | (header[4] & 0xff)];
                            in.readFully(body);
                            if (header[0] == APPLICATION_DATA) {
                                count.incrementAndGet();
                            }
                            to.write(header);
                            to.write(body);
                            to.flush();
                        }
                    } catch (IOException e) { // EOF included: one side is gone
                        close();
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        closeQuietly(client);
        closeQuietly(server);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // already closed by the other pump: nothing left to do
        }
    }
}
