package io.llmgateway.upstream;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small request of the gateway's own to a provider (a health check), sent with
 * {@link UpstreamClient#call}.
 *
 * @param method the request method, e.g. {@code GET} or {@code POST}
 * @param path the request target, starting with {@code /}
 * @param headers header fields to send; {@code host} and {@code content-length} are added
 * @param body the body, empty for none
 * @param deadline the longest the whole call may take: from asking for a connection to the answer's last byte
 * @param maxBodyBytes the most of the answer's body kept; past it the connection is closed
 */
public record UpstreamCall(
        String method, String path, Map<String, String> headers, byte[] body, Duration deadline, int maxBodyBytes) {

    public UpstreamCall {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
        requireNonNull(deadline, "deadline");
        if (method.isEmpty() || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            throw new IllegalArgumentException("method: " + method + " (expected: upper-case letters)");
        }
        if (!path.startsWith("/") || !printable(path, false)) {
            throw new IllegalArgumentException("path: " + path + " (expected: /, then printable ASCII)");
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().isEmpty()
                    || !printable(h.getKey(), false)
                    || h.getKey().indexOf(':') >= 0) {
                throw new IllegalArgumentException("header name: " + h.getKey() + " (expected: a token)");
            }
            // The value is not quoted: it may be a key.
            if (!printable(h.getValue(), true)) {
                throw new IllegalArgumentException(
                        "header " + h.getKey() + ": a value with a line break or control character");
            }
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 0)");
        }
    }

    /** Writes the request on {@code ch}, a connection or a stream ({@link UpstreamClient#multiplexed}) to {@code origin}. */
    ChannelFuture send(Channel ch, Origin origin) {
        if (!UpstreamClient.multiplexed(ch)) {
            return ch.writeAndFlush(encode(ch.alloc(), origin.authority()));
        }
        Http2Headers h = new DefaultHttp2Headers()
                .method(method)
                .path(path)
                .scheme(origin.tls() ? "https" : "http")
                .authority(origin.authority());
        headers.forEach((name, value) -> h.add(AsciiString.of(name).toLowerCase(), value));
        if (body.length > 0 || !method.equals("GET")) {
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        if (body.length == 0) {
            return ch.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
        }
        ch.write(new DefaultHttp2HeadersFrame(h, false));
        return ch.writeAndFlush(Unpooled.wrappedBuffer(body)); // the stream's last DATA frame (H2StreamHandler)
    }

    /** The request as bytes, ready to write. */
    ByteBuf encode(ByteBufAllocator alloc, String authority) {
        StringBuilder b =
                new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        b.append("host: ").append(authority).append("\r\n");
        headers.forEach(
                (name, value) -> b.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0 || !method.equals("GET")) {
            b.append("content-length: ").append(body.length).append("\r\n");
        }
        b.append("\r\n");
        byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        return alloc.buffer(head.length + body.length).writeBytes(head).writeBytes(body);
    }

    /** Visible ASCII (and, in a value, spaces and tabs and Latin-1): nothing that could end a line. */
    private static boolean printable(String s, boolean value) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c > ' ' && c < 0x7f || value && (c == ' ' || c == '\t' || c >= 0xa0 && c <= 0xff);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
