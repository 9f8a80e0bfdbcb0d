package io.llmgateway.route;

/**
 * The router's answer for one attempt of a request: go to a provider, or a reason why not, or (with a
 * shared limits store) a {@link PendingAdmission} that will complete with one of the two.
 */
public sealed interface Admission permits Attempt, Denial, PendingAdmission {}
