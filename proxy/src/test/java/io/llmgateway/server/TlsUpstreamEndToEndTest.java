package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigLoader;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2: https providers. Certificates are verified by default (a provider whose authority the JDK does not
 * know is refused), a provider's private CA can be trusted with {@code ca_file}, and host names are checked
 * either way. Certificates are made by {@link TestCa} at test time.
 */
class TlsUpstreamEndToEndTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[]}";
    private static final String ANSWER = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

    @TempDir
    static Path dir;

    private static EventLoopGroup group;
    private static Channel rightHost;
    private static Channel wrongHost;
    private static Path caPem;
    private static Path wrongPem;

    @BeforeAll
    static void start() throws Exception {
        group = Transport.newGroup(1);
        TestCa right = TestCa.create("right");
        TestCa wrong = TestCa.create("wrong");
        caPem = right.writeCaPem(dir.resolve("right.pem"));
        wrongPem = wrong.writeCaPem(dir.resolve("wrong.pem"));
        rightHost = tlsServer(right.issue(dir, "right", "127.0.0.1").serverContext());
        wrongHost = tlsServer(wrong.issueForHost(dir, "wrong", "other.example").serverContext());
    }

    @AfterAll
    static void stop() {
        rightHost.close();
        wrongHost.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    @Test
    void privateCaProvider_isRefusedByDefault() throws Exception {
        try (TestGateway g = TestGateway.start(config(port(rightHost), null))) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(502, r.statusCode(), r.body());
            assertTrue(r.body().contains("TLS handshake failed"), r.body());
            assertFalse(r.body().contains(Integer.toString(port(rightHost))), r.body());
        }
    }

    @Test
    void privateCa_isTrustedWithCaFile() throws Exception {
        try (TestGateway g = TestGateway.start(config(port(rightHost), caPem))) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("chat.completion"), r.body());
        }
    }

    @Test
    void certificateForAnotherHost_isRefusedEvenWhenTrusted() throws Exception {
        try (TestGateway g = TestGateway.start(config(port(wrongHost), wrongPem))) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(502, r.statusCode(), r.body());
            assertTrue(r.body().contains("TLS handshake failed"), r.body());
        }
    }

    @Test
    void caFile_onPlainHttpOrUnreadable_isAConfigError() {
        ConfigException plain =
                assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                        api_provider:
                          p: {base_url: "http://127.0.0.1:1/v1", ca_file: "%s"}
                        model_config:
                          m: {p: {}}
                        """.formatted(caPem), Map.of()));
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                        api_provider:
                          p: {base_url: "https://127.0.0.1:1/v1", ca_file: /no/such.pem}
                        model_config:
                          m: {p: {}}
                        """, Map.of()));

        assertEquals(List.of("api_provider.p.ca_file: only used with an https base_url"), plain.problems());
        assertTrue(
                missing.problems()
                        .get(0)
                        .startsWith("api_provider.p.ca_file: cannot read certificates from " + "/no/such.pem"),
                missing.problems().toString());
    }

    private static String config(int port, Path ca) {
        return """
                api_provider:
                  p:
                    base_url: https://127.0.0.1:%d/v1
                %s
                model_config:
                  m:
                    p: {}
                """.formatted(port, ca == null ? "" : "    ca_file: " + ca);
    }

    private static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static Channel tlsServer(SslContext ssl) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(Transport.serverChannel(group))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        ssl.newHandler(ch.alloc()),
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(1 << 20),
                                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                                            @Override
                                            protected void channelRead0(
                                                    ChannelHandlerContext ctx, FullHttpRequest msg) {
                                                byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
                                                FullHttpResponse r = new DefaultFullHttpResponse(
                                                        HttpVersion.HTTP_1_1,
                                                        HttpResponseStatus.OK,
                                                        Unpooled.wrappedBuffer(body));
                                                r.headers()
                                                        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                                                ctx.writeAndFlush(r);
                                            }

                                            @Override
                                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                                ctx.close(); // the gateway refusing our certificate ends up here
                                            }
                                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }
}
