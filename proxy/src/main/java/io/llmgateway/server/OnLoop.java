package io.llmgateway.server;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.RejectedExecutionException;

/** Continues work on an exchange's event loop: off-loop work (big token counts, Redis admission) completes on other threads. */
final class OnLoop {
    private OnLoop() {}

    /** Runs {@code task} on {@code loop}; {@code ifShutDown} runs instead when the loop no longer takes tasks. */
    static void run(EventExecutor loop, Runnable task, Runnable ifShutDown) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            ifShutDown.run();
        }
    }
}
