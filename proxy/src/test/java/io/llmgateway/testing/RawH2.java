package io.llmgateway.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP/2 client over a blocking socket that writes whatever frames a test asks for, in any order and number,
 * for the abuse cases no conforming client would produce (a CONTINUATION flood, more streams than allowed, a
 * SETTINGS flood whose ACKs it never reads). Frames are encoded by Netty's own frame writer and HPACK encoder into
 * an EmbeddedChannel whose output goes to the socket; what the server sends is decoded by Netty's frame reader
 * into {@link Frame} records, only when the test reads.
 */
public final class RawH2 implements AutoCloseable {
    /** One frame the server sent; {@code code} is the error code of RST_STREAM and GOAWAY. */
    public record Frame(String type, int streamId, long code, Http2Headers headers, String text) {
        public boolean isGoAway() {
            return type.equals("GOAWAY");
        }

        public boolean isReset(int stream) {
            return type.equals("RST_STREAM") && streamId == stream;
        }

        @Override
        public String toString() {
            return type + "(stream " + streamId + (code >= 0 ? ", " + Http2Error.valueOf(code) : "")
                    + (headers != null ? ", " + headers : "") + (text.isEmpty() ? "" : ", " + text) + ")";
        }
    }

    private final Socket socket;
    private final EmbeddedChannel sink = new EmbeddedChannel(new ChannelOutboundHandlerAdapter());
    private final ChannelHandlerContext ctx = sink.pipeline().firstContext();
    /** The frame writer's own HPACK encoder: one dynamic table, as the server's decoder expects. */
    private final DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();

    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter(hpack);
    private final DefaultHttp2FrameReader reader =
            new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(true, 1 << 20));
    private final ByteBuf inbound = Unpooled.buffer();
    private final List<Frame> received = new ArrayList<>();
    private boolean closedByPeer;
    private boolean writeFailed;

    private RawH2(Socket socket) {
        this.socket = socket;
    }

    /** Connects to 127.0.0.1:{@code port} in clear text (h2c with prior knowledge); nothing sent yet. */
    public static RawH2 connect(int port) throws IOException {
        return connect(port, 0);
    }

    /**
     * Connects with a receive buffer of about {@code receiveBufferBytes} (0: the system's), so that what the
     * server sends and the client does not read backs up into the server soon.
     */
    public static RawH2 connect(int port, int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        if (receiveBufferBytes > 0) {
            s.setReceiveBufferSize(receiveBufferBytes); // before connecting: it sets the window scale
        }
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return new RawH2(s);
    }

    /** Connects over TLS offering only {@code h2} in ALPN; nothing sent yet after the handshake. */
    public static RawH2 connectTls(int port, SSLContext tls) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setApplicationProtocols(new String[] {"h2"});
        s.setSSLParameters(params);
        s.setTcpNoDelay(true);
        s.startHandshake();
        if (!"h2".equals(s.getApplicationProtocol())) {
            s.close();
            throw new IOException("ALPN chose " + s.getApplicationProtocol() + ", not h2");
        }
        return new RawH2(s);
    }

    /** A POST's request headers for {@code path} with a JSON body to follow. */
    public static Http2Headers post(String path) {
        return new DefaultHttp2Headers()
                .method("POST")
                .scheme("http")
                .authority("gw")
                .path(path)
                .set("content-type", "application/json");
    }

    /** The client preface and an empty SETTINGS frame, as a conforming client starts. */
    public RawH2 preface() {
        return preface(new Http2Settings());
    }

    public RawH2 preface(Http2Settings settings) {
        send(Http2CodecUtil.connectionPrefaceBuf().retainedDuplicate());
        writer.writeSettings(ctx, settings, ctx.newPromise());
        return flush();
    }

    /** A complete HEADERS frame (END_HEADERS set). */
    public RawH2 headers(int streamId, Http2Headers headers, boolean endStream) {
        writer.writeHeaders(ctx, streamId, headers, 0, endStream, ctx.newPromise());
        return flush();
    }

    /** A HEADERS frame without END_HEADERS: the header block goes on in CONTINUATION frames. */
    public RawH2 headersWithoutEnd(int streamId, Http2Headers headers) {
        ByteBuf block = Unpooled.buffer();
        try {
            hpack.encodeHeaders(streamId, headers, block);
        } catch (Http2Exception e) {
            block.release();
            throw new IllegalArgumentException(e);
        }
        return frame(Http2FrameTypes.HEADERS, streamId, new Http2Flags(), block);
    }

    /** A CONTINUATION frame of {@code payload} bytes (HPACK literal garbage is fine: it is never decoded whole). */
    public RawH2 continuation(int streamId, int payload, boolean endHeaders) {
        ByteBuf bytes = Unpooled.buffer(payload).writeZero(payload);
        return frame(Http2FrameTypes.CONTINUATION, streamId, new Http2Flags().endOfHeaders(endHeaders), bytes);
    }

    public RawH2 data(int streamId, String text, boolean endStream) {
        ByteBuf bytes = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        writer.writeData(ctx, streamId, bytes, 0, endStream, ctx.newPromise());
        return flush();
    }

    public RawH2 rst(int streamId, Http2Error error) {
        writer.writeRstStream(ctx, streamId, error.code(), ctx.newPromise());
        return flush();
    }

    /** A request on {@code streamId}: HEADERS then one DATA frame with END_STREAM. */
    public RawH2 request(int streamId, String path, String json) {
        writer.writeHeaders(ctx, streamId, post(path), 0, false, ctx.newPromise());
        writer.writeData(ctx, streamId, Unpooled.copiedBuffer(json, StandardCharsets.UTF_8), 0, true, ctx.newPromise());
        return flush();
    }

    /**
     * Up to {@code count} empty SETTINGS frames in as few socket writes as possible, the ACKs left unread; stops
     * when the server has closed the connection. Returns how many were written.
     */
    public int settingsFlood(int count) {
        writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
        return repeat(count);
    }

    /** As {@link #settingsFlood}, with PING frames. */
    public int pingFlood(int count) {
        writer.writePing(ctx, false, 42L, ctx.newPromise());
        return repeat(count);
    }

    /** Only the first {@code bytes} bytes of an encoded HEADERS frame: a head that stops mid-frame. */
    public RawH2 partialHeaders(int streamId, Http2Headers headers, int bytes) {
        writer.writeHeaders(ctx, streamId, headers, 0, false, ctx.newPromise());
        byte[] all = drain();
        write(all, Math.min(bytes, all.length));
        return this;
    }

    private RawH2 frame(byte type, int streamId, Http2Flags flags, ByteBuf payload) {
        writer.writeFrame(ctx, type, streamId, flags, payload, ctx.newPromise());
        return flush();
    }

    private int repeat(int count) {
        byte[] one = drain();
        int perWrite = Math.max(1, 64 * 1024 / one.length);
        byte[] batch = new byte[one.length * perWrite];
        for (int i = 0; i < perWrite; i++) {
            System.arraycopy(one, 0, batch, i * one.length, one.length);
        }
        int sent = 0;
        while (sent < count && !peerGone()) {
            int n = Math.min(perWrite, count - sent);
            write(batch, one.length * n);
            sent += n;
        }
        return sent;
    }

    private RawH2 send(ByteBuf bytes) {
        ctx.write(bytes, ctx.newPromise());
        return this;
    }

    private RawH2 flush() {
        byte[] bytes = drain();
        write(bytes, bytes.length);
        return this;
    }

    /** Writes unless the server has closed the connection: an attack goes on until the server cuts it off. */
    private void write(byte[] bytes, int length) {
        if (writeFailed) {
            return;
        }
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes, 0, length);
            out.flush();
        } catch (IOException closedByServer) {
            writeFailed = true;
        }
    }

    /** Whether a write failed because the server closed the connection (or it was seen closed on reading). */
    public boolean peerGone() {
        return writeFailed || closedByPeer;
    }

    private byte[] drain() {
        ctx.flush();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf b; (b = sink.readOutbound()) != null; ) {
            try {
                byte[] copy = new byte[b.readableBytes()];
                b.readBytes(copy);
                bytes.writeBytes(copy);
            } finally {
                b.release();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Reads until a frame matching {@code wanted} arrives (returned) or the server closes the connection or the
     * timeout passes (null); every frame read stays in {@link #received()}.
     */
    public Frame await(Predicate<Frame> wanted, int timeoutMillis) throws IOException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        int seen = 0;
        while (true) {
            for (; seen < received.size(); seen++) {
                if (wanted.test(received.get(seen))) {
                    return received.get(seen);
                }
            }
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (closedByPeer || left <= 0 || !readSome((int) left)) {
                return null;
            }
        }
    }

    /** The GOAWAY the server sends (or null if it closes or the timeout passes without one). */
    public Frame awaitGoAway(int timeoutMillis) throws IOException {
        return await(Frame::isGoAway, timeoutMillis);
    }

    /** Reads until the server closes the connection; false when it is still open after the timeout. */
    public boolean awaitClose(int timeoutMillis) throws IOException {
        await(f -> false, timeoutMillis);
        return closedByPeer;
    }

    /** Every frame read so far. */
    public List<Frame> received() {
        return received;
    }

    /** Reads what is available (waiting at most the timeout for the first byte); false on timeout. */
    private boolean readSome(int timeoutMillis) throws IOException {
        socket.setSoTimeout(Math.max(1, timeoutMillis));
        byte[] buf = new byte[64 * 1024];
        int n;
        try {
            InputStream in = socket.getInputStream();
            n = in.read(buf);
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            n = -1;
        }
        if (n == -1) {
            closedByPeer = true;
            return true;
        }
        inbound.writeBytes(buf, 0, n);
        try {
            reader.readFrame(ctx, inbound, new Collector());
        } catch (Http2Exception e) {
            throw new IOException("the server sent a frame the reader rejects", e);
        }
        inbound.discardReadBytes();
        return true;
    }

    private final class Collector extends Http2FrameAdapter {
        @Override
        public void onHeadersRead(
                ChannelHandlerContext c, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
            received.add(new Frame("HEADERS", streamId, -1, headers, endOfStream ? "END_STREAM" : ""));
        }

        @Override
        public void onHeadersRead(
                ChannelHandlerContext c,
                int streamId,
                Http2Headers headers,
                int streamDependency,
                short weight,
                boolean exclusive,
                int padding,
                boolean endOfStream) {
            onHeadersRead(c, streamId, headers, padding, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            received.add(new Frame("DATA", streamId, -1, null, data.toString(StandardCharsets.UTF_8)));
            return data.readableBytes() + padding;
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
            received.add(new Frame("RST_STREAM", streamId, errorCode, null, ""));
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
            received.add(new Frame("SETTINGS", 0, -1, null, settings.toString()));
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext c) {
            received.add(new Frame("SETTINGS_ACK", 0, -1, null, ""));
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext c, long data) {
            received.add(new Frame("PING_ACK", 0, -1, null, ""));
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
            received.add(
                    new Frame("GOAWAY", lastStreamId, errorCode, null, debugData.toString(StandardCharsets.UTF_8)));
        }
    }

    /** Sends a SETTINGS ACK for the server's SETTINGS, as a conforming client does. */
    public RawH2 ackSettings() {
        writer.writeSettingsAck(ctx, ctx.newPromise());
        return flush();
    }

    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } finally {
            inbound.release();
            reader.close();
            sink.finishAndReleaseAll();
        }
    }
}
