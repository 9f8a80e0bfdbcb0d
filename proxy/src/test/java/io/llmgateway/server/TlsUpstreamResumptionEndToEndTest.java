package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.TestCa;
import io.llmgateway.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: the gateway's connections to an https provider resume TLS sessions: a second connection to the
 * same provider skips the full handshake. The provider here is OpenSSL-backed and closes each connection
 * after its answer, so every request needs a new connection.
 */
class TlsUpstreamResumptionEndToEndTest {
    private static final String ANSWER = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

    @TempDir
    Path dir;

    @Test
    void secondConnection_resumesTheSession() throws Exception {
        TestCa ca = TestCa.create("upstream-ca");
        TestCa.ServerFiles files = ca.issue(dir, "provider", "provider");
        Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
        SslContext serverTls = SslContextBuilder.forServer(readKey(files.key()), files.certificate())
                .sslProvider(SslProvider.OPENSSL)
                .build();
        List<Boolean> reused = new CopyOnWriteArrayList<>();
        EventLoopGroup group = Transport.newGroup(1);
        Channel provider = new ServerBootstrap()
                .group(group)
                .channel(Transport.serverChannel(group))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(serverTls.newHandler(ch.alloc()))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(1 << 20))
                                .addLast(new Answer(reused));
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        String yaml = """
                api_provider:
                  p: {base_url: "https://127.0.0.1:%d/v1", ca_file: "%s"}
                model_config:
                  m: {p: {}}
                """.formatted(((InetSocketAddress) provider.localAddress()).getPort(), caPem);
        try (TestGateway g = TestGateway.start(yaml)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = g.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}");
                assertEquals(200, r.statusCode(), r.body());
            }
        } finally {
            provider.close().sync();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
        assertEquals(3, reused.size(), "one connection per request: " + reused);
        assertEquals(false, reused.get(0), "the first handshake is a full one");
        assertTrue(reused.get(1) && reused.get(2), "later connections resume the session: " + reused);
    }

    private static PrivateKey readKey(Path pem) throws Exception {
        String text = java.nio.file.Files.readString(pem, StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text)));
    }

    /** Answers once and closes; records whether the connection's handshake resumed a session. */
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final List<Boolean> reused;

        Answer(List<Boolean> reused) {
            this.reused = reused;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                SSLEngine engine = ctx.pipeline().get(SslHandler.class).engine();
                // Netty keeps this query package-private; a test may look.
                Class<?> c = engine.getClass();
                while (!c.getSimpleName().equals("ReferenceCountedOpenSslEngine")) {
                    c = c.getSuperclass();
                }
                Method m = c.getDeclaredMethod("isSessionReused");
                m.setAccessible(true);
                reused.add((Boolean) m.invoke(engine));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            FullHttpResponse r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.copiedBuffer(ANSWER, StandardCharsets.UTF_8));
            r.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(f -> ctx.close());
        }
    }
}
