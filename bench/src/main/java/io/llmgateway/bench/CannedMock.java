package io.llmgateway.bench;

import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockProvider;
import io.llmgateway.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The mock provider of the benchmarks: a {@link MockProvider} that keeps no requests and answers every
 * one with the canned bodies of {@link Payloads}: a chat completion, or a stream when the request asks for
 * one. A stream is sent whole (one write, like a static file), or paced: the headers at once, then one
 * event every {@code intervalMillis}, which is what a real model does and what the added-latency probe
 * measures against.
 *
 * <p>Standalone for bench/load.sh: {@code java -cp benchmarks.jar io.llmgateway.bench.CannedMock
 * --port 18081 --interval-ms 20 --chunks 20}.
 */
public final class CannedMock {
    private CannedMock() {}

    /**
     * @param port 0 for any free port
     * @param threads the mock's event loops
     * @param intervalMillis 0 to send a stream in one write; else the pause between its events
     * @param pacedChunks the content events of a paced stream
     */
    public static MockProvider start(int port, int threads, long intervalMillis, int pacedChunks) {
        EventLoopGroup group = Transport.newGroup(threads);
        MockProvider mock = MockProvider.startUnrecorded(group, Transport.serverChannel(group), port);
        mock.setDefault(behaviour(intervalMillis, pacedChunks));
        return mock;
    }

    private static Behaviour behaviour(long intervalMillis, int pacedChunks) {
        Behaviour json = Behaviour.canned(200, "application/json", Payloads.CHAT_COMPLETION);
        if (intervalMillis <= 0) {
            return Behaviour.streamAware(json, Behaviour.canned(200, "text/event-stream", Payloads.SSE_STREAM));
        }
        // Content deltas, then usage and [DONE] together.
        List<String> events = new ArrayList<>();
        for (int i = 0; i < pacedChunks; i++) {
            events.add(Payloads.chunk(Payloads.WORDS[i % Payloads.WORDS.length]));
        }
        events.add(Payloads.USAGE_CHUNK + Payloads.DONE);
        return Behaviour.streamAware(json, Behaviour.sseEvents(events).paced(Duration.ofMillis(intervalMillis)));
    }

    /** {@code --port N --threads N --interval-ms N --chunks N}; runs until killed. */
    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        MockProvider mock = start(
                a.intValue("--port", 18081),
                a.intValue("--threads", 1),
                a.intValue("--interval-ms", 0),
                a.intValue("--chunks", 20));
        System.out.println("mock listening on 127.0.0.1:" + mock.port());
        Runtime.getRuntime().addShutdownHook(new Thread(mock::close));
        Thread.currentThread().join();
    }
}
