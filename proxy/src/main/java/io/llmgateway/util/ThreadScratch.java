package io.llmgateway.util;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * A byte array per thread to copy a buffer into for a read that ends before the caller returns (a parser
 * reads a heap array faster than a direct buffer, and a new array per request or chunk would be garbage). Arrays
 * up to {@code maxKeptBytes} are kept for the next copy; a longer copy gets an array of its own. Each user
 * has its own instance, so that one copy never overwrites another's while it is being read.
 */
public final class ThreadScratch {
    private final int maxKeptBytes;
    private final FastThreadLocal<byte[]> arrays;

    public ThreadScratch(int initialBytes, int maxKeptBytes) {
        this.maxKeptBytes = maxKeptBytes;
        arrays = new FastThreadLocal<>() {
            @Override
            protected byte[] initialValue() {
                return new byte[initialBytes];
            }
        };
    }

    /** {@code length} bytes of {@code buf} from {@code index}, at the start of the returned array. */
    public byte[] copy(ByteBuf buf, int index, int length) {
        byte[] a = arrays.get();
        if (a.length < length) {
            a = new byte[length];
            if (length <= maxKeptBytes) {
                arrays.set(a);
            }
        }
        buf.getBytes(index, a, 0, length);
        return a;
    }
}
