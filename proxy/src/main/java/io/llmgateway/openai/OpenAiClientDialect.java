package io.llmgateway.openai;

import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.ClientDialect;
import io.llmgateway.protocol.RequestFacts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/** Clients of OpenAI's API: requests read by {@link RequestScanner}, errors built by {@link OpenAiErrors}. */
public final class OpenAiClientDialect implements ClientDialect {
    public static final OpenAiClientDialect INSTANCE = new OpenAiClientDialect();

    private OpenAiClientDialect() {}

    @Override
    public String name() {
        return "openai";
    }

    /** Returns a {@link RequestInfo}, which {@link OpenAiProviderDialect#body} splices. */
    @Override
    public RequestFacts read(ByteBuf body) throws BadRequestException {
        return RequestScanner.scan(body);
    }

    @Override
    public String errorType(int status) {
        return OpenAiErrors.typeFor(status);
    }

    @Override
    public FullHttpResponse error(ByteBufAllocator alloc, int status, String message, String param, String code) {
        return OpenAiErrors.response(
                alloc, HttpResponseStatus.valueOf(status), OpenAiErrors.typeFor(status), message, param, code);
    }

    /** A {@code data:} event with the error object: the SDKs raise it as an API error. */
    @Override
    public ByteBuf errorEvent(ByteBufAllocator alloc, String message, String code) {
        String event = "data: " + OpenAiErrors.json(OpenAiErrors.UPSTREAM, message, null, code) + "\n\n";
        byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    /** A JSON object: OpenAI-compatible providers answer errors in OpenAI's shape. */
    @Override
    public boolean isError(String contentType, ByteBuf body) {
        if (contentType == null || !contentType.contains("json")) {
            return false;
        }
        for (int i = body.readerIndex(); i < body.writerIndex(); i++) {
            byte b = body.getByte(i);
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '{';
            }
        }
        return false;
    }
}
