package io.llmgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AcquireQueueTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AcquireQueue queue = new AcquireQueue(channel.eventLoop(), 100);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void poll_givesTheRequestsInArrivalOrder_andTheirTimeoutsNoLongerFire() {
        Promise<Channel> first = channel.eventLoop().newPromise();
        Promise<Channel> second = channel.eventLoop().newPromise();
        queue.add(first, "all 1 connections to http://p");
        queue.add(second, "all 1 connections to http://p");

        assertEquals(2, queue.size());
        assertSame(first, queue.poll());
        assertSame(second, queue.poll());
        assertNull(queue.poll());
        assertTrue(queue.isEmpty());

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(first.isDone());
        assertFalse(second.isDone());
    }

    @Test
    void aRequestWaitingPastTheTimeout_failsWithWhatStayedBusy_andLeavesTheQueue() {
        Promise<Channel> waiting = channel.eventLoop().newPromise();
        queue.add(waiting, "all 4 connections to https://provider:443");

        channel.advanceTimeBy(99, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(waiting.isDone());

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertInstanceOf(PoolExhaustedException.class, waiting.cause());
        assertEquals(
                "all 4 connections to https://provider:443 stayed busy for 100 ms",
                waiting.cause().getMessage());
        assertTrue(queue.isEmpty());
        assertNull(queue.poll());
    }
}
