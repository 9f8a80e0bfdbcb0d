package io.llmgateway.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.ClientDialect;
import io.llmgateway.protocol.RequestFacts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * Clients of Anthropic's Messages API ({@code POST /v1/messages}, {@code POST /v1/messages/count_tokens}):
 * requests read by {@link MessagesScanner}, errors built by {@link AnthropicErrors}.
 */
public final class AnthropicClientDialect implements ClientDialect {
    /** {@code POST /v1/messages}. */
    public static final AnthropicClientDialect MESSAGES = new AnthropicClientDialect(false);
    /** {@code POST /v1/messages/count_tokens}: no {@code max_tokens}, never a stream. */
    public static final AnthropicClientDialect COUNT_TOKENS = new AnthropicClientDialect(true);

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private final boolean countTokens;

    private AnthropicClientDialect(boolean countTokens) {
        this.countTokens = countTokens;
    }

    /**
     * The dialect of {@code path} (without its query) when it is under {@code /v1/messages}, else null. A path
     * under it other than {@code count_tokens} (Anthropic's batches) is not served, but refused in this
     * dialect's shape ({@link #serves}).
     */
    public static AnthropicClientDialect forPath(String path) {
        if (path.equals("/v1/messages/count_tokens")) {
            return COUNT_TOKENS;
        }
        return path.equals("/v1/messages") || path.startsWith("/v1/messages/") ? MESSAGES : null;
    }

    /** Whether the gateway serves {@code path} (without its query) of Anthropic's API. */
    public static boolean serves(String path) {
        return path.equals("/v1/messages") || path.equals("/v1/messages/count_tokens");
    }

    @Override
    public String name() {
        return "anthropic";
    }

    /** Whether this dialect reads {@code count_tokens} requests. */
    public boolean countsTokens() {
        return countTokens;
    }

    /** Returns a {@link MessagesRequest}, which {@link AnthropicProviderDialect#body} splices. */
    @Override
    public RequestFacts read(ByteBuf body) throws BadRequestException {
        return MessagesScanner.scan(body, countTokens);
    }

    @Override
    public String errorType(int status) {
        return AnthropicErrors.typeFor(status);
    }

    /** Anthropic's shape has no param or code: the message names the field. */
    @Override
    public FullHttpResponse error(ByteBufAllocator alloc, int status, String message, String param, String code) {
        return AnthropicErrors.response(alloc, status, message);
    }

    /** An {@code event: error} with an {@code api_error}: the SDKs raise it as an API error. */
    @Override
    public ByteBuf errorEvent(ByteBufAllocator alloc, String message, String code) {
        return AnthropicErrors.event(alloc, AnthropicErrors.API, message);
    }

    /** A JSON object whose {@code type} is {@code "error"} and that holds an {@code error} object. */
    @Override
    public boolean isError(String contentType, ByteBuf body) {
        if (contentType == null || !contentType.contains("json")) {
            return false;
        }
        boolean typeError = false;
        boolean errorObject = false;
        try (JsonParser p = JSON.createParser((InputStream) new ByteBufInputStream(body.duplicate()))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("type".equals(name)) {
                    typeError = t == JsonToken.VALUE_STRING && "error".equals(p.getText());
                } else if ("error".equals(name)) {
                    errorObject = t == JsonToken.START_OBJECT;
                    p.skipChildren();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return false; // not JSON: wrapped into an error of the gateway's
        }
        return typeError && errorObject;
    }
}
