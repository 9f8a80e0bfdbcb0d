package io.llmgateway.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo provider's Messages API, read by the official Anthropic Java SDK (strict response models). */
class DemoProviderMessagesTest {
    private static EventLoopGroup group;
    private static DemoProvider demo;
    private static AnthropicClient sdk;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        demo = DemoProvider.start(group, Clock.systemUTC());
        sdk = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + demo.port())
                .apiKey("any_key")
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        sdk.close();
        demo.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static MessageCreateParams params() {
        return MessageCreateParams.builder()
                .model("claude-demo")
                .maxTokens(100)
                .addUserMessage("Hi there")
                .build();
    }

    @Test
    void message_parsesWithTheSdk() {
        Message m = sdk.messages().create(params()).validate();
        assertEquals("claude-demo", m.model().asString());
        assertTrue(m.content().get(0).asText().text().contains("You said: \"Hi there\""));
        assertEquals(2, m.usage().inputTokens());
        assertTrue(m.usage().outputTokens() > 0);
    }

    @Test
    void stream_accumulatesToTheSameMessage() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = sdk.messages().createStreaming(params())) {
            s.stream().forEach(acc::accumulate);
        }
        Message streamed = acc.message();
        Message whole = sdk.messages().create(params());
        assertEquals(
                whole.content().get(0).asText().text(),
                streamed.content().get(0).asText().text());
        assertEquals(whole.usage().outputTokens(), streamed.usage().outputTokens());
    }

    @Test
    void countTokens_answersInputTokens() {
        long n = sdk.messages()
                .countTokens(MessageCountTokensParams.builder()
                        .model("claude-demo")
                        .addUserMessage("one two three")
                        .build())
                .inputTokens();
        assertEquals(3, n);
    }

    @Test
    void badRequest_isAnAnthropicError() {
        BadRequestException e = assertThrows(
                BadRequestException.class,
                () -> sdk.messages()
                        .create(MessageCreateParams.builder()
                                .model("claude-demo")
                                .maxTokens(10)
                                .messages(java.util.List.of())
                                .build()));
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("messages"), e.getMessage());
    }
}
