package io.llmgateway.openai;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;

/**
 * Produces the upstream body by splicing the scanned one: retained slices of the original bytes
 * around at most two small new buffers (the aliased model value, the include_usage edit). The JSON
 * is never rebuilt, so a multi-megabyte prompt costs no copy. A body under {@value #COPY_BELOW} bytes (most
 * chat requests) is copied into one buffer instead: a composite costs more than that copy (its
 * components, and the socket write builds a ByteBuffer per component to gather them).
 */
public final class BodyRewriter {
    static final int COPY_BELOW = 4096;

    private BodyRewriter() {}

    /**
     * Returns a new buffer owned by the caller. {@code body} is neither consumed nor released; the
     * result holds retained slices of it.
     *
     * @param info the result of {@link RequestScanner#scan} on this same {@code body}, unchanged since
     * @param alias the model name the provider uses
     * @param injectIncludeUsage make {@code stream_options.include_usage} true if the client did not
     */
    public static ByteBuf rewrite(
            ByteBufAllocator alloc, ByteBuf body, RequestInfo info, String alias, boolean injectIncludeUsage) {
        requireNonNull(alloc, "alloc");
        requireNonNull(body, "body");
        requireNonNull(info, "info");
        requireNonNull(alias, "alias");
        boolean replaceModel = !alias.equals(info.model());
        boolean inject = injectIncludeUsage && info.usageEditStart() >= 0;
        if (!replaceModel && !inject) {
            return body.retainedSlice();
        }
        int len = body.readableBytes();
        if (info.modelEnd() > len || info.usageEditEnd() > len) {
            throw new IllegalArgumentException("info does not describe body (body: " + len + " bytes)");
        }
        int base = body.readerIndex();
        ByteBuf out = len < COPY_BELOW ? alloc.buffer(len + 64) : alloc.compositeBuffer(5);
        try {
            int pos = 0;
            boolean modelFirst = !inject || info.modelStart() < info.usageEditStart();
            for (int i = 0; i < 2; i++) {
                boolean model = (i == 0) == modelFirst;
                if (model ? !replaceModel : !inject) {
                    continue;
                }
                int start = model ? info.modelStart() : info.usageEditStart();
                int end = model ? info.modelEnd() : info.usageEditEnd();
                if (start > pos) {
                    appendOriginal(out, body, base + pos, start - pos);
                }
                appendNew(out, model ? quoted(alloc, alias) : bytes(alloc, info.usageEditBytes()));
                pos = end;
            }
            if (pos < len) {
                appendOriginal(out, body, base + pos, len - pos);
            }
            return out;
        } catch (Throwable t) {
            out.release();
            throw t;
        }
    }

    private static void appendOriginal(ByteBuf out, ByteBuf body, int index, int length) {
        if (out instanceof CompositeByteBuf composite) {
            composite.addComponent(true, body.retainedSlice(index, length));
        } else {
            out.writeBytes(body, index, length);
        }
    }

    /** Appends {@code piece} and takes ownership of it. */
    private static void appendNew(ByteBuf out, ByteBuf piece) {
        if (out instanceof CompositeByteBuf composite) {
            composite.addComponent(true, piece);
        } else {
            out.writeBytes(piece);
            piece.release();
        }
    }

    private static ByteBuf bytes(ByteBufAllocator alloc, byte[] b) {
        return alloc.buffer(b.length).writeBytes(b);
    }

    private static ByteBuf quoted(ByteBufAllocator alloc, String s) {
        String escaped = escape(s);
        ByteBuf buf = alloc.buffer(ByteBufUtil.utf8MaxBytes(escaped) + 2);
        buf.writeByte('"');
        ByteBufUtil.writeUtf8(buf, escaped);
        buf.writeByte('"');
        return buf;
    }

    /** JSON string escaping; non-ASCII stays raw UTF-8, which JSON allows. */
    static String escape(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) >= 0x20 && s.charAt(i) != '"' && s.charAt(i) != '\\') {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
