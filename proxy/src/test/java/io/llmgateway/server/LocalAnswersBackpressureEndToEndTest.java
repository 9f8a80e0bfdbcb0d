package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own answers obey backpressure: a client that pipelines requests and never reads the answers
 * stops being read once its connection's outbound buffer passes the high-water mark, so the answers the
 * gateway holds for it stay bounded instead of growing with every request it sends.
 */
class LocalAnswersBackpressureEndToEndTest {
    private static final int REQUESTS = 20_000; // about 6 MB of 404 answers
    private static final byte[] REQUEST = "GET /x HTTP/1.1\r\nHost: gw\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HIGH_WATER_MARK = 64 * 1024; // GatewayServer's WRITE_BUFFER_WATER_MARK

    @Test
    void clientThatNeverReads_isNoLongerRead_andTheGatewayHoldsAtMostTheHighWaterMark() throws Exception {
        try (TestGateway g = TestGateway.start("""
                api_provider:
                  p:
                    base_url: http://127.0.0.1:9
                model_config:
                  gpt-4o:
                    p: {}
                """);
                Socket client = new Socket()) {
            client.setReceiveBufferSize(4096); // a client that never reads should not buy the gateway kernel room
            client.connect(new InetSocketAddress("127.0.0.1", g.port()));
            Probe probe = new Probe();
            Channel server = serverSide(g, client);
            server.pipeline().addFirst(probe);

            Thread writer = new Thread(() -> sendAll(client), "pipelining-client");
            writer.setDaemon(true);
            writer.start();

            // Settles when the gateway stops reading (or closes), or, without backpressure, has answered all.
            assertTrue(probe.settled.await(60, TimeUnit.SECONDS), "the gateway neither stopped nor finished");
            long[] seen = server.eventLoop()
                    .submit(() -> new long[] {probe.answers, probe.mostHeld})
                    .get();

            assertTrue(
                    seen[1] <= HIGH_WATER_MARK + 1024,
                    "the gateway held " + seen[1] + " bytes of answers for " + "a client that reads nothing (" + seen[0]
                            + " answers)");
            assertTrue(seen[0] < REQUESTS, "every request was read and answered");
        }
    }

    /** The gateway's side of {@code client}: once an answer came back, its channel is in the gateway's group. */
    private static Channel serverSide(TestGateway g, Socket client) throws IOException {
        client.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = client.getInputStream();
        StringBuilder answer = new StringBuilder();
        while (!answer.toString().endsWith("{\"status\":\"ok\"}")) {
            int b = in.read();
            assertTrue(b >= 0, "closed: " + answer);
            answer.append((char) b);
        }
        assertEquals(1, g.gateway().connections().size());
        return g.gateway().connections().iterator().next();
    }

    private static void sendAll(Socket client) {
        byte[] batch = new byte[REQUEST.length * 1000];
        for (int i = 0; i < 1000; i++) {
            System.arraycopy(REQUEST, 0, batch, i * REQUEST.length, REQUEST.length);
        }
        try {
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < REQUESTS / 1000; i++) {
                out.write(batch);
            }
        } catch (IOException closed) {
            // the gateway closed the connection, or the test did
        }
    }

    /**
     * First in the server-side pipeline: counts answers (each is flushed once), samples how many answer bytes
     * wait in the outbound buffer after every write, and settles once reading has stopped, the connection
     * has closed, or every request has been answered. Touched only on the channel's event loop.
     */
    private static final class Probe extends ChannelDuplexHandler {
        final CountDownLatch settled = new CountDownLatch(1);
        long answers;
        long mostHeld;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
            check(ctx);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.fireChannelReadComplete();
            check(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            settled.countDown();
            ctx.fireChannelInactive();
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg, promise);
            ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
            if (buffer != null) {
                mostHeld = Math.max(mostHeld, buffer.totalPendingWriteBytes());
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            answers++;
            ctx.flush();
            check(ctx);
        }

        private void check(ChannelHandlerContext ctx) {
            if (!ctx.channel().config().isAutoRead() || answers >= REQUESTS) {
                settled.countDown();
            }
        }
    }
}
