package io.llmgateway.server;

import io.llmgateway.observe.RateLimitHeaders;
import io.llmgateway.util.AsciiNumbers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * An HTTP/1.1 head written as bytes, shared by {@link UpstreamRequestHead} and {@link ClientResponseHead}: built
 * in an array of the thread's and copied into a buffer once. Written piece by piece into a direct buffer, each
 * name and value was a copy through {@code Unsafe.copyMemory} (argument checks and a native call for a dozen
 * bytes), some thirty per request.
 *
 * <p>Not thread-safe and not reentrant: {@link #start()} hands the calling thread its builder, emptied, and
 * {@link #toBuffer} ends its use.
 */
final class HeadBytes implements RateLimitHeaders.Sink {
    private static final FastThreadLocal<HeadBytes> OF_THREAD = new FastThreadLocal<>() {
        @Override
        protected HeadBytes initialValue() {
            return new HeadBytes();
        }
    };
    /** A head that grew past this (a client with huge headers) is not kept for the thread's next one. */
    private static final int KEEP_BYTES = 16 * 1024;

    private byte[] buf = new byte[1024];
    private int len;
    private final StringBuilder scratch = new StringBuilder(16);

    private HeadBytes() {}

    /** The calling thread's builder, empty. */
    static HeadBytes start() {
        HeadBytes h = OF_THREAD.get();
        h.len = 0;
        return h;
    }

    /** The head written so far in a buffer from {@code alloc}; the builder is empty again. */
    ByteBuf toBuffer(ByteBufAllocator alloc) {
        ByteBuf b = alloc.buffer(len);
        b.writeBytes(buf, 0, len);
        len = 0;
        if (buf.length > KEEP_BYTES) {
            buf = new byte[1024];
        }
        return b;
    }

    HeadBytes bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    /** The characters as bytes; one above U+00FF goes out as {@code ?}, as Netty's encoder writes it. */
    HeadBytes ascii(CharSequence s) {
        int n = s.length();
        ensure(n);
        if (s instanceof AsciiString a) {
            System.arraycopy(a.array(), a.arrayOffset(), buf, len, n);
        } else {
            byte[] b = buf;
            int at = len;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                b[at + i] = c > 0xFF ? (byte) '?' : (byte) c;
            }
        }
        len += n;
        return this;
    }

    /** A number in decimal. */
    HeadBytes number(long value) {
        if (value < 0) {
            return ascii(Long.toString(value)); // never on the way of a request: counts are not negative
        }
        ensure(AsciiNumbers.MAX_DECIMAL_DIGITS);
        len = AsciiNumbers.writeDecimal(value, buf, len);
        return this;
    }

    HeadBytes crlf() {
        ensure(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
        return this;
    }

    /** {@code name: value} and a line end. */
    void header(CharSequence name, CharSequence value) {
        name(name);
        ascii(value).crlf();
    }

    @Override
    public void header(AsciiString name, CharSequence value) {
        header((CharSequence) name, value);
    }

    @Override
    public void count(AsciiString name, long value) {
        name(name);
        number(value).crlf();
    }

    @Override
    public void duration(AsciiString name, long millis) {
        scratch.setLength(0);
        header(name, RateLimitHeaders.appendDuration(millis, scratch));
    }

    private void name(CharSequence name) {
        ascii(name);
        ensure(2);
        buf[len++] = ':';
        buf[len++] = ' ';
    }

    /**
     * Writes the headers of {@code from} that {@code keep} accepts, in their order; {@code keep} gets each name
     * and the names listed in {@code from}'s {@code Connection} header ({@link HeaderPolicy#forwarded},
     * {@link HeaderPolicy#relayed}).
     */
    HeadBytes headers(HttpHeaders from, BiPredicate<CharSequence, List<String>> keep) {
        List<String> connectionListed = HeaderPolicy.connectionListed(from);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = from.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            if (keep.test(header.getKey(), connectionListed)) {
                header(header.getKey(), header.getValue());
            }
        }
        return this;
    }

    private void ensure(int more) {
        if (buf.length - len < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /** The ASCII bytes of a constant. */
    static byte[] bytesOf(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
