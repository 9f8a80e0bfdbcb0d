package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An admission that is being decided by the shared limits store ({@code limits_store}): its
 * {@link #result()} completes, on a thread of the store's client and never exceptionally, with an
 * {@link Attempt} or a {@link Denial}, within the store's timeout (after which the router decides
 * locally). Only a router with a shared store returns one; with the in-memory counters
 * {@link Router#admit} always answers at once.
 */
public final class PendingAdmission implements Admission {

    private final CompletableFuture<Admission> result;

    PendingAdmission(CompletableFuture<Admission> result) {
        this.result = requireNonNull(result, "result");
    }

    /**
     * The decided admission. Continue on your own thread (an event loop): this stage completes on the
     * store client's I/O thread. If the caller no longer wants an {@link Attempt} it gets, it must still
     * settle it (e.g. {@link Attempt#cancelled(long) cancelled(0)}).
     */
    public CompletionStage<Admission> result() {
        return result;
    }

    @Override
    public String toString() {
        return "PendingAdmission[" + (result.isDone() ? result.join() : "deciding") + ']';
    }
}
