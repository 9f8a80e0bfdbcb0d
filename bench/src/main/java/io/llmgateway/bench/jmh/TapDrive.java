package io.llmgateway.bench.jmh;

import io.llmgateway.protocol.AnswerTap;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** Feeds a whole answer through a tap as the gateway does, for the tap benchmarks. */
final class TapDrive {
    private TapDrive() {}

    /**
     * Passes each of {@code chunks} (kept: the tap gets a retained duplicate) through {@code tap}, ends and
     * releases it, and returns a number that depends on everything it produced, so that nothing is optimised away.
     */
    static long stream(AnswerTap tap, List<ByteBuf> chunks) {
        long n = 0;
        for (ByteBuf c : chunks) {
            ByteBuf out = tap.onChunk(c.retainedDuplicate());
            n += out.readableBytes();
            out.release();
        }
        ByteBuf rest = tap.onEnd();
        n += rest.readableBytes();
        rest.release();
        n += tap.usage() != null ? tap.usage().totalTokens() : tap.completionTokensEstimate();
        tap.release(); // as the gateway does when a stream ends: its arrays go to the next stream
        return n;
    }
}
