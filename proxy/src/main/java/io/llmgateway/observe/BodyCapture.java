package io.llmgateway.observe;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the first bytes of a body, up to a cap, for the interaction log ({@code logging.log_bodies}).
 * Only created when bodies are logged, so the default path never copies a byte. Used on one event loop.
 */
public final class BodyCapture {
    private final byte[] bytes;
    private int length;
    private long total;

    public BodyCapture(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 1)");
        }
        this.bytes = new byte[maxBytes];
    }

    /** Copies what still fits of the readable bytes; the buffer's indexes do not move. */
    public void add(ByteBuf chunk) {
        int n = chunk.readableBytes();
        total += n;
        int copy = Math.min(n, bytes.length - length);
        if (copy > 0) {
            chunk.getBytes(chunk.readerIndex(), bytes, length, copy);
            length += copy;
        }
    }

    /** The captured text; when the body was longer, cut at a character boundary and marked. */
    public String text() {
        return text(bytes, length, total);
    }

    /** The readable bytes of {@code body} as capped text, without moving its indexes. */
    public static String text(ByteBuf body, int maxBytes) {
        BodyCapture c = new BodyCapture(Math.max(1, Math.min(maxBytes, body.readableBytes())));
        c.add(body);
        return c.text();
    }

    static String text(byte[] bytes, int length, long total) {
        int end = length;
        if (total > length) {
            // Do not split a multi-byte character: back up to the start of the one that was cut.
            int i = end;
            while (i > 0 && (bytes[i - 1] & 0xC0) == 0x80) {
                i--;
            }
            if (i > 0 && (bytes[i - 1] & 0x80) != 0) {
                int lead = bytes[i - 1] & 0xFF;
                int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
                if (end - (i - 1) < need) {
                    end = i - 1;
                }
            }
        }
        String s = new String(bytes, 0, end, StandardCharsets.UTF_8);
        return total > length ? s + "...[truncated: " + total + " bytes]" : s;
    }
}
