package io.llmgateway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * The wire format a client speaks: how its request is read and what errors look like to it. Stateless and
 * shared by every exchange.
 */
public interface ClientDialect {
    /** The format's name in logs and messages, lower case: {@code openai}, {@code anthropic}. */
    String name();

    /**
     * Reads the request once; the facts may keep offsets into {@code body} for the provider dialect's rewrite.
     *
     * @throws BadRequestException if the body is not a request of this dialect
     */
    RequestFacts read(ByteBuf body) throws BadRequestException;

    /** The error type this dialect uses for an error of the gateway's own with {@code status}. */
    String errorType(int status);

    /**
     * A complete error response of the gateway's own; the caller sets keep-alive and extra headers.
     *
     * @param param the offending parameter, or null
     * @param code a machine-readable code, or null
     */
    FullHttpResponse error(ByteBufAllocator alloc, int status, String message, String param, String code);

    /** The event that tells a client in the middle of a streamed answer that it broke off. */
    ByteBuf errorEvent(ByteBufAllocator alloc, String message, String code);

    /** Whether a provider's error answer ({@code contentType}, {@code body}) is already in this dialect's shape. */
    boolean isError(String contentType, ByteBuf body);
}
