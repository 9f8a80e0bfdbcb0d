package io.llmgateway.anthropic;

import io.llmgateway.util.JsonStrings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * The body for the provider: the client's bytes with the {@code model} value replaced by the alias, as retained
 * slices of the original around the new value (the JSON is never rebuilt, so a large prompt costs no copy). A
 * body under {@value #COPY_BELOW} bytes is copied into one buffer instead: a composite costs more than that
 * copy (its components, and the gathering write).
 */
final class ModelSplice {
    static final int COPY_BELOW = 4096;

    private ModelSplice() {}

    /** A new buffer owned by the caller; {@code body} is neither consumed nor released. */
    static ByteBuf splice(ByteBufAllocator alloc, ByteBuf body, MessagesRequest request, String alias) {
        if (alias.equals(request.model())) {
            return body.retainedSlice();
        }
        int len = body.readableBytes();
        int start = request.modelStart();
        int end = request.modelEnd();
        if (start < 0 || end > len) {
            throw new IllegalArgumentException("request does not describe body (body: " + len + " bytes)");
        }
        byte[] quoted = new byte[JsonStrings.maxQuotedUtf8Length(alias)];
        int quotedLen = JsonStrings.writeQuotedUtf8(alias, quoted, 0);
        int base = body.readerIndex();
        if (len < COPY_BELOW) {
            return alloc.buffer(len - (end - start) + quotedLen)
                    .writeBytes(body, base, start)
                    .writeBytes(quoted, 0, quotedLen)
                    .writeBytes(body, base + end, len - end);
        }
        CompositeByteBuf out = alloc.compositeBuffer(3);
        try {
            out.addComponent(true, body.retainedSlice(base, start));
            out.addComponent(true, alloc.buffer(quotedLen).writeBytes(quoted, 0, quotedLen));
            out.addComponent(true, body.retainedSlice(base + end, len - end));
            return out;
        } catch (Throwable t) {
            out.release();
            throw t;
        }
    }
}
