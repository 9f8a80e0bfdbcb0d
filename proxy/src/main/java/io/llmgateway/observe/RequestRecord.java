package io.llmgateway.observe;

import io.llmgateway.util.ShortText;
import java.util.List;

/**
 * What happened to one proxied request, built once when it ends. It carries no keys and no client
 * credentials, and no prompt or answer text unless {@code logging.log_bodies} is on, so every consumer
 * (interaction log, metrics, admin tail) may keep it.
 *
 * <p>It is small whatever the client sent: the strings a client chooses are cut to the bounds below
 * (marked with {@link ShortText#CUT_MARK}), and the bodies to {@code logging.max_body_bytes}, so the
 * rings and queues that hold records hold a bounded number of bytes.
 *
 * @param startEpochMillis when the request arrived
 * @param requestId the x-request-id
 * @param clientKeyId the name of the client key used, or null when client keys are not configured
 * @param path the request path after {@code /v1}
 * @param modelAsked the model the client named (may be {@code auto})
 * @param modelUsed the model that answered, or null when no provider was reached
 * @param provider the provider that answered (or the last one tried), or null
 * @param attempts every provider tried, in order
 * @param status the HTTP status sent to the client (0 when the client went away before one was sent)
 * @param stream whether the client asked for a stream
 * @param firstByteMillis time to the first response byte written to the client, or -1
 * @param totalMillis time to the end of the response
 * @param promptTokens prompt tokens (reported by the provider, or estimated)
 * @param completionTokens completion tokens (reported, or estimated)
 * @param totalTokens total tokens
 * @param tokensEstimated true when the provider reported no usage and the gateway counted
 * @param errorType null on success, else a short kind: the OpenAI error type or the failure kind
 * @param errorMessage null on success, else a one-line description (never a secret)
 * @param requestBody the request body as text, capped at {@code logging.max_body_bytes}; null unless
 *                    {@code logging.log_bodies} is on
 * @param responseBody the response body as text (for a stream: the assembled text of its deltas), capped;
 *                     null unless {@code logging.log_bodies} is on
 * @param cacheCreationTokens of {@code promptTokens}, those the provider wrote to its prompt cache
 * @param cacheReadTokens of {@code promptTokens}, those the provider read from its prompt cache
 * @param costNanos what the request cost in nano-dollars (0 when no answer was billed), or {@link #UNPRICED}
 *                  when its model has no known price
 * @param clientApi the wire format the client spoke ({@code openai} or {@code anthropic}), or null when unknown
 * @param providerApi the wire format of the provider that answered (or was tried last): {@code openai},
 *                    {@code anthropic} or {@code azure}; null when no provider was tried
 * @param gatewayPreNanos the gateway's own time before the answering (or last) provider's request was written,
 *                        leaving out what earlier attempts waited for a provider; -1 when no request was written
 * @param gatewayPostNanos the gateway's own time from the provider's answer read to the client's head written;
 *                         -1 when no provider's answer reached the client
 * @param cache how the request met the response cache ({@code hit}, {@code miss}, {@code bypass}), or null when
 *              its model is not cached
 * @param savedCostNanos on a cache hit, what the answer would have cost at the provider (nano-dollars, 0 when
 *                       unpriced); else 0
 */
public record RequestRecord(
        long startEpochMillis,
        String requestId,
        String clientKeyId,
        String path,
        String modelAsked,
        String modelUsed,
        String provider,
        List<AttemptRecord> attempts,
        int status,
        boolean stream,
        long firstByteMillis,
        long totalMillis,
        long promptTokens,
        long completionTokens,
        long totalTokens,
        boolean tokensEstimated,
        String errorType,
        String errorMessage,
        String requestBody,
        String responseBody,
        long cacheCreationTokens,
        long cacheReadTokens,
        long costNanos,
        String clientApi,
        String providerApi,
        long gatewayPreNanos,
        long gatewayPostNanos,
        String cache,
        long savedCostNanos) {
    /** {@link #costNanos} of a request whose model has no known price. */
    public static final long UNPRICED = -1;

    /** Longest {@link #requestId} kept (the gateway replaces longer client ids with its own anyway). */
    public static final int MAX_REQUEST_ID_CHARS = 128;
    /** Longest {@link #path} kept. */
    public static final int MAX_PATH_CHARS = 256;
    /** Longest {@link #modelAsked} kept (the request scanner refuses longer names anyway). */
    public static final int MAX_MODEL_CHARS = 256;
    /** Longest {@link #errorMessage} kept. */
    public static final int MAX_ERROR_MESSAGE_CHARS = 2048;

    public RequestRecord {
        requestId = ShortText.cap(requestId, MAX_REQUEST_ID_CHARS);
        path = ShortText.cap(path, MAX_PATH_CHARS);
        modelAsked = ShortText.cap(modelAsked, MAX_MODEL_CHARS);
        errorMessage = ShortText.cap(errorMessage, MAX_ERROR_MESSAGE_CHARS);
        attempts = List.copyOf(attempts);
    }

    /** A record without the gateway's own timings nor a cache outcome. */
    public RequestRecord(
            long startEpochMillis,
            String requestId,
            String clientKeyId,
            String path,
            String modelAsked,
            String modelUsed,
            String provider,
            List<AttemptRecord> attempts,
            int status,
            boolean stream,
            long firstByteMillis,
            long totalMillis,
            long promptTokens,
            long completionTokens,
            long totalTokens,
            boolean tokensEstimated,
            String errorType,
            String errorMessage,
            String requestBody,
            String responseBody,
            long cacheCreationTokens,
            long cacheReadTokens,
            long costNanos,
            String clientApi,
            String providerApi) {
        this(
                startEpochMillis,
                requestId,
                clientKeyId,
                path,
                modelAsked,
                modelUsed,
                provider,
                attempts,
                status,
                stream,
                firstByteMillis,
                totalMillis,
                promptTokens,
                completionTokens,
                totalTokens,
                tokensEstimated,
                errorType,
                errorMessage,
                requestBody,
                responseBody,
                cacheCreationTokens,
                cacheReadTokens,
                costNanos,
                clientApi,
                providerApi,
                -1,
                -1,
                null,
                0);
    }

    /** A record without bodies (the default: {@code logging.log_bodies} off) nor the wire formats. */
    public RequestRecord(
            long startEpochMillis,
            String requestId,
            String clientKeyId,
            String path,
            String modelAsked,
            String modelUsed,
            String provider,
            List<AttemptRecord> attempts,
            int status,
            boolean stream,
            long firstByteMillis,
            long totalMillis,
            long promptTokens,
            long completionTokens,
            long totalTokens,
            boolean tokensEstimated,
            String errorType,
            String errorMessage) {
        this(
                startEpochMillis,
                requestId,
                clientKeyId,
                path,
                modelAsked,
                modelUsed,
                provider,
                attempts,
                status,
                stream,
                firstByteMillis,
                totalMillis,
                promptTokens,
                completionTokens,
                totalTokens,
                tokensEstimated,
                errorType,
                errorMessage,
                null,
                null,
                0,
                0,
                UNPRICED,
                null,
                null,
                -1,
                -1,
                null,
                0);
    }

    public boolean failed() {
        return errorType != null;
    }
}
