package io.llmgateway.server;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.protocol.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/** OpenAI's dialect whose JSON answers are held whole and sent wrapped in another object at the end. */
final class WrappingDialect implements ProviderDialect {
    private final ProviderDialect openai;

    WrappingDialect(ProviderDialect openai) {
        this.openai = openai;
    }

    @Override
    public String target(String basePath, String pathSuffix, String alias) {
        return openai.target(basePath, pathSuffix, alias);
    }

    @Override
    public String keyHeader() {
        return openai.keyHeader();
    }

    @Override
    public String keyValue(String apiKey) {
        return openai.keyValue(apiKey);
    }

    @Override
    public void headers(HttpHeaders client, BiConsumer<String, String> out) {}

    @Override
    public ByteBuf body(ByteBufAllocator alloc, ByteBuf clientBody, RequestFacts facts, String alias)
            throws BadRequestException {
        return openai.body(alloc, clientBody, facts, alias);
    }

    @Override
    public boolean streams(HttpHeaders answer) {
        return openai.streams(answer);
    }

    @Override
    public boolean resizes(boolean stream, RequestFacts facts) {
        return !stream;
    }

    @Override
    public AnswerTap tap(boolean stream, RequestFacts facts, String encoding) {
        return new AnswerTap() {
            private final ByteBuf held = Unpooled.buffer();

            @Override
            public ByteBuf onChunk(ByteBuf chunk) {
                held.writeBytes(chunk);
                chunk.release();
                return Unpooled.EMPTY_BUFFER;
            }

            @Override
            public ByteBuf onEnd() {
                String json = "{\"wrapped\":" + held.toString(StandardCharsets.UTF_8) + "}";
                return Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
            }

            @Override
            public Usage usage() {
                return null;
            }

            @Override
            public long completionTokensEstimate() {
                return 0;
            }

            @Override
            public void captureText(int maxChars) {}

            @Override
            public String capturedText() {
                return null;
            }

            @Override
            public void release() {
                held.release();
            }
        };
    }
}
