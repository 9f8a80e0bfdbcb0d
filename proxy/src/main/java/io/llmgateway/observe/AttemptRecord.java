package io.llmgateway.observe;

/**
 * One provider tried for a request.
 *
 * @param provider the provider's name
 * @param model the model this attempt asked for (differs between attempts with {@code auto})
 * @param outcome {@code ok}, or the failure kind in lower case ({@code connect}, {@code timeout},
 *                {@code rate_limited}, {@code server_error}, {@code auth}, {@code client_error},
 *                {@code local_overload}, {@code protocol}, {@code cancelled})
 * @param status the provider's HTTP status, or 0 when it sent none
 * @param millis from the attempt's start to its end
 */
public record AttemptRecord(String provider, String model, String outcome, int status, long millis) {}
