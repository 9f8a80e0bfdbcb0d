package io.llmgateway.bench.jmh;

import io.llmgateway.anthropic.MessagesScanner;
import io.llmgateway.bench.Payloads;
import io.llmgateway.openai.BodyRewriter;
import io.llmgateway.openai.RequestInfo;
import io.llmgateway.openai.RequestScanner;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.translate.MessagesViaChatRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request side of an Anthropic client served by an OpenAI-format provider: a small streamed Messages
 * request ({@code Payloads.SMALL_MESSAGES_STREAM_REQUEST}) scanned ({@link MessagesScanner}) and translated
 * into a Chat Completions body ({@link MessagesViaChatRequest}), against the OpenAI path's scan and splice of
 * the same question ({@code Payloads.SMALL_STREAM_REQUEST}), the reference in the same run. The bodies sit
 * in pooled direct buffers, as the HTTP decoder leaves them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class MessagesViaChatRequestBenchmark {
    private ByteBuf messages;
    private ByteBuf chat;

    @Setup
    public void setup() {
        messages = direct(Payloads.SMALL_MESSAGES_STREAM_REQUEST);
        chat = direct(Payloads.SMALL_STREAM_REQUEST);
    }

    private static ByteBuf direct(String json) {
        byte[] bytes = Payloads.utf8(json);
        return ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    @TearDown
    public void tearDown() {
        messages.release();
        chat.release();
    }

    /** The translation alone. */
    @Benchmark
    public int translate() throws BadRequestException {
        return release(MessagesViaChatRequest.translate(ByteBufAllocator.DEFAULT, messages, "gpt-4o-mini-2024-07-18"));
    }

    /** What the gateway does per translated request: scan, then translate. */
    @Benchmark
    public int scanAndTranslate() throws BadRequestException {
        int n = MessagesScanner.scan(messages, false).hashCode() & 1;
        return n + translate();
    }

    /** The OpenAI path per request: scan, then splice. */
    @Benchmark
    public int passThrough() throws BadRequestException {
        RequestInfo i = RequestScanner.scan(chat);
        return release(BodyRewriter.rewrite(ByteBufAllocator.DEFAULT, chat, i, "gpt-4o-mini-2024-07-18", true));
    }

    private static int release(ByteBuf out) {
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
