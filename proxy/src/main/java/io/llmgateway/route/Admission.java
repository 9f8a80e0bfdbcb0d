package io.llmgateway.route;

/** The router's answer for one attempt of a request: go to a provider, or a reason why not. */
public sealed interface Admission permits Attempt, Denial {
}
