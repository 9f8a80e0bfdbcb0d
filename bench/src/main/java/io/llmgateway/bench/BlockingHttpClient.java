package io.llmgateway.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A minimal keep-alive HTTP/1.1 client over one blocking socket: just enough framing (Content-Length
 * and chunked) to read whole responses, with nothing between the benchmark and the bytes. It can report
 * when each SSE event ({@code data:} line, or a line of another start: {@link #eventsStartingWith}) arrives,
 * which is what the paced-stream probe measures.
 * One thread at a time.
 */
public final class BlockingHttpClient implements AutoCloseable {
    /** Called with the arrival time of each SSE event of a response. */
    public interface EventListener {
        void onEvent(long nanoTime);
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private int status;
    private EventListener listener;
    private byte[] event = DATA_EVENT;
    private int eventMatch; // how much of the event's line start ("\ndata:") was matched across reads

    public BlockingHttpClient(String host, int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /**
     * Reports the lines that start with {@code lineStart} as the events instead of the {@code data:} lines: e.g.
     * {@code "event: content_block_delta"}, the content events of Anthropic's stream.
     */
    public BlockingHttpClient eventsStartingWith(String lineStart) {
        event = ("\n" + lineStart).getBytes(US_ASCII);
        return this;
    }

    /** The bytes of a keep-alive POST of {@code body} to {@code path}. */
    public static byte[] post(String host, int port, String path, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ':' + port
                + "\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-bench\r\nUser-Agent: bench/1\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Sends a prepared request and reads the whole response; returns the body length. */
    public int exchange(byte[] request, EventListener eventListener) throws IOException {
        listener = eventListener;
        eventMatch = 1; // the body starts at a line start
        out.write(request);
        out.flush();
        int contentLength = -1;
        boolean chunked = false;
        // Status line and headers.
        String line = readLine();
        if (!line.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 response: " + line);
        }
        status = Integer.parseInt(line.substring(9, 12));
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                contentLength = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            }
        }
        int total = 0;
        if (chunked) {
            for (; ; ) {
                String size = readLine();
                int semi = size.indexOf(';');
                int n = Integer.parseInt(
                        semi < 0 ? size.trim() : size.substring(0, semi).trim(), 16);
                if (n == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                skipBody(n);
                total += n;
                readLine();
            }
        } else if (contentLength >= 0) {
            skipBody(contentLength);
            total = contentLength;
        } else {
            throw new IOException("response without framing");
        }
        return total;
    }

    public int status() {
        return status;
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (; ; ) {
            if (pos == lim) {
                fill();
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            sb.append((char) b);
        }
    }

    private void skipBody(int n) throws IOException {
        while (n > 0) {
            if (pos == lim) {
                fill();
            }
            int take = Math.min(n, lim - pos);
            if (listener != null) {
                scanEvents(pos, take);
            }
            pos += take;
            n -= take;
        }
    }

    private static final byte[] DATA_EVENT = "\ndata:".getBytes(US_ASCII);

    /** Finds event starts (the event's text at a line start) in the body bytes as they arrive. */
    private void scanEvents(int from, int len) {
        long now = System.nanoTime();
        for (int i = from; i < from + len; i++) {
            byte b = buf[i];
            if (b == event[eventMatch]) {
                eventMatch++;
                if (eventMatch == event.length) {
                    listener.onEvent(now);
                    eventMatch = 0;
                }
            } else {
                eventMatch = b == '\n' ? 1 : 0;
            }
        }
    }

    private void fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new IOException("connection closed by the server");
        }
        pos = 0;
        lim = n;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
