package io.llmgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.UpstreamSettings;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import io.llmgateway.transport.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 24: the pools' idle expiry and the retry of a request whose reused connection the provider closed,
 * over real sockets against a mock provider; idle time comes from a ticker the test moves.
 */
class UpstreamPoolTest {
    @RegisterExtension
    final MockUpstream provider = MockUpstream.start();

    private final EventLoopGroup group = Transport.newGroup(1);
    private final EventLoop loop = group.next();
    private final MockTicker ticker = Ticker.newMockTicker();
    private UpstreamClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private UpstreamClient client(Duration idleTimeout) {
        UpstreamSettings d = UpstreamSettings.DEFAULT;
        client = new UpstreamClient(
                new UpstreamSettings(
                        d.connectTimeout(),
                        d.responseTimeout(),
                        d.streamFirstByteTimeout(),
                        d.streamIdleTimeout(),
                        d.maxConnectionsPerLoop(),
                        d.acquireTimeout(),
                        idleTimeout,
                        d.maxPendingAcquires()),
                ticker);
        return client;
    }

    private UpstreamAnswer models() throws Exception {
        return models(Duration.ofSeconds(5));
    }

    private UpstreamAnswer models(Duration deadline) throws Exception {
        UpstreamCall call = new UpstreamCall("GET", "/v1/models", Map.of(), new byte[0], deadline, 1024);
        return client.call(loop, Origin.of(provider.baseUrl()), call).get(10, TimeUnit.SECONDS);
    }

    private List<Integer> connectionsUsed() {
        return provider.requests().stream().map(RecordedRequest::connectionId).collect(Collectors.toList());
    }

    @Test
    void defaultIdleTimeout_isBelowTheCommonProviderTimeouts() {
        assertTrue(
                UpstreamSettings.DEFAULT.idleConnectionTimeout().compareTo(Duration.ofSeconds(60)) < 0,
                "AWS load balancers close idle connections after 60 s, nginx after 75 s: the gateway lets go first");
    }

    @Test
    void acquire_reusesAConnectionIdleForLessThanTheTimeout() throws Exception {
        client(Duration.ofSeconds(30));
        models();
        ticker.advance(29_999, TimeUnit.MILLISECONDS);
        models();

        assertEquals(List.of(1, 1), connectionsUsed());
        assertEquals(1, client.openConnections());
    }

    @Test
    void acquire_closesAConnectionIdleForTheTimeout_andDoesNotUseIt() throws Exception {
        client(Duration.ofSeconds(30));
        models();
        ticker.advance(30, TimeUnit.SECONDS);
        models();

        assertEquals(List.of(1, 2), connectionsUsed());
        provider.connectionClosed(1).get(5, TimeUnit.SECONDS);
    }

    @Test
    void sweep_closesExpiredIdleConnections_withoutAnyRequest() throws Exception {
        client(Duration.ofMillis(50)); // the sweep is scheduled in real time, the age read from the ticker
        models();
        ticker.advance(1, TimeUnit.SECONDS);

        provider.connectionClosed(1).get(5, TimeUnit.SECONDS);
        assertEquals(1, provider.connectionsAccepted());
    }

    @Test
    void call_onAReusedConnectionClosedBeforeAnswering_isSentAgainOnANewOne() throws Exception {
        client(Duration.ofSeconds(30));
        provider.enqueue(Behaviour.chatCompletion("first"), Behaviour.dropConnection());
        models();
        UpstreamAnswer second = models();

        assertEquals(200, second.status());
        assertEquals(List.of(1, 1, 2), connectionsUsed());
    }

    @Test
    void call_onANewConnectionClosedBeforeAnswering_isNotSentAgain() {
        client(Duration.ofSeconds(30));
        provider.setDefault(Behaviour.dropConnection());

        ExecutionException e = assertThrows(ExecutionException.class, this::models);
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(1, provider.requests().size());
    }

    @Test
    void call_endsAtItsDeadline_whileTheBodyStillDrips() throws Exception {
        client(Duration.ofSeconds(30));
        provider.setDefault(Behaviour.chatCompletion("slow").slowDrip(1, Duration.ofSeconds(1)));
        long start = System.nanoTime();

        ExecutionException e = assertThrows(ExecutionException.class, () -> models(Duration.ofMillis(300)));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(millis >= 300 && millis < 5000, millis + " ms");
        provider.connectionClosed(1).get(5, TimeUnit.SECONDS);
    }

    @Test
    void call_keepsAtMostMaxBodyBytes_andClosesTheConnection() throws Exception {
        client(Duration.ofSeconds(30));
        provider.setDefault(Behaviour.json(200, "\"" + "x".repeat(5000) + "\""));
        UpstreamAnswer answer = models();

        assertTrue(answer.truncated());
        assertEquals(1024, answer.body().length());
        provider.connectionClosed(1).get(5, TimeUnit.SECONDS);
        assertFalse(models().body().isEmpty(), "the next call connects anew");
        assertEquals(List.of(1, 2), connectionsUsed());
    }
}
