package io.llmgateway.upstream;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * A provider's answer to an {@link UpstreamCall}.
 *
 * @param status the HTTP status
 * @param headers the response headers
 * @param body the body (decoded as UTF-8), at most the call's {@code maxBodyBytes}
 * @param truncated the body was longer than that: the rest was not read
 */
public record UpstreamAnswer(int status, HttpHeaders headers, String body, boolean truncated) {}
