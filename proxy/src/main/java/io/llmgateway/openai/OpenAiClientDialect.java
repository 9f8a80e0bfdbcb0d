package io.llmgateway.openai;

import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.ClientDialect;
import io.llmgateway.protocol.ErrorBody;
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

    private static final String INSUFFICIENT_QUOTA = "insufficient_quota";

    @Override
    public String errorType(int status) {
        return OpenAiErrors.typeFor(status);
    }

    @Override
    public FullHttpResponse error(ByteBufAllocator alloc, int status, String message, String param, String code) {
        // A spent budget is OpenAI's own insufficient_quota, whose type is its code (SDKs and clients test either).
        String type = INSUFFICIENT_QUOTA.equals(code) ? INSUFFICIENT_QUOTA : OpenAiErrors.typeFor(status);
        return OpenAiErrors.response(alloc, HttpResponseStatus.valueOf(status), type, message, param, code);
    }

    /** A {@code data:} event with the error object: the SDKs raise it as an API error. */
    @Override
    public ByteBuf errorEvent(ByteBufAllocator alloc, String message, String code) {
        String event = "data: " + OpenAiErrors.json(OpenAiErrors.UPSTREAM, message, null, code) + "\n\n";
        byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    /**
     * A JSON object with an {@code error} object and without Anthropic's {@code "type":"error"}: OpenAI-compatible
     * providers answer errors in this shape; another shape is rewritten into it, quoting its message.
     */
    @Override
    public boolean isError(String contentType, ByteBuf body) {
        ErrorBody error = ErrorBody.read(contentType, body);
        return error != null && error.errorObject() && !error.typeError();
    }
}
