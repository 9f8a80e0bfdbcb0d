package io.llmgateway.util;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class ThreadScratchTest {

    @Test
    void copy_reusesOneArrayUpToTheLimit_givesLongerCopiesTheirOwn() throws Exception {
        ThreadScratch scratch = new ThreadScratch(4, 16);
        ByteBuf buf =
                PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes("0123456789abcdefghijklmnop".getBytes(UTF_8));
        try {
            byte[] small = scratch.copy(buf, 2, 3);
            assertEquals("234", new String(small, 0, 3, UTF_8));
            byte[] grown = scratch.copy(buf, 0, 10); // longer than the first array: a new one, kept
            assertEquals("0123456789", new String(grown, 0, 10, UTF_8));
            assertSame(grown, scratch.copy(buf, 5, 8));
            byte[] huge = scratch.copy(buf, 0, 20); // past the limit: not kept
            assertEquals("0123456789abcdefghij", new String(huge, 0, 20, UTF_8));
            assertSame(grown, scratch.copy(buf, 0, 1));
            assertEquals(0, buf.readerIndex(), "the buffer is not consumed");

            byte[][] other = new byte[1][];
            Thread t = new Thread(() -> other[0] = scratch.copy(buf, 0, 10));
            t.start();
            t.join();
            assertNotSame(grown, other[0], "each thread has its own array");
        } finally {
            buf.release();
        }
    }
}
