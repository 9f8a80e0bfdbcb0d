package io.llmgateway.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A newcomer's first calls, made with the official OpenAI Java SDK (strict response models). */
class DemoProviderSdkTest {

    private static EventLoopGroup group;
    private static DemoProvider demo;
    private static OpenAIClient sdk;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        demo = DemoProvider.start(group, Clock.systemUTC());
        sdk = OpenAIOkHttpClient.builder()
                .baseUrl(demo.baseUrl().toString())
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

    @Test
    void chatCompletion_parsesWithTheSdk() {
        ChatCompletion completion =
                sdk.chat().completions().create(chat().build()).validate();
        String content = completion.choices().get(0).message().content().orElseThrow();
        assertTrue(content.contains("You said: \"Hi there\""), content);
        assertEquals("demo", completion.model());
        long total = completion.usage().orElseThrow().totalTokens();
        assertEquals(
                completion.usage().orElseThrow().promptTokens()
                        + completion.usage().orElseThrow().completionTokens(),
                total);
    }

    @Test
    void chatStream_everyChunkHasChoicesUnlessUsageAsked() {
        List<ChatCompletionChunk> plain = stream(chat().build());
        // Clients commonly read choices[0] of every chunk.
        plain.forEach(chunk -> chunk.choices().get(0).delta());
        assertTrue(plain.stream().noneMatch(c -> c.usage().isPresent()));

        List<ChatCompletionChunk> withUsage = stream(chat().streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build());
        ChatCompletionChunk last = withUsage.get(withUsage.size() - 1);
        assertTrue(last.choices().isEmpty());
        assertTrue(last.usage().orElseThrow().totalTokens() > 0);
        StringBuilder content = new StringBuilder();
        withUsage.forEach(
                c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(content::append)));
        String nonStream = sdk.chat()
                .completions()
                .create(chat().build())
                .choices()
                .get(0)
                .message()
                .content()
                .orElseThrow();
        assertEquals(nonStream, content.toString());
    }

    @Test
    void embeddings_parseWithTheSdk() {
        CreateEmbeddingResponse response = sdk.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("demo-embedding")
                        .input("hello")
                        .build())
                .validate();
        assertEquals(
                DemoHandler.EMBEDDING_DIMENSIONS,
                response.data().get(0).embedding().size());
    }

    @Test
    void responses_parseWithTheSdk() {
        Response response = sdk.responses()
                .create(ResponseCreateParams.builder()
                        .model("demo")
                        .input("Hi there")
                        .build())
                .validate();
        String text = response.output()
                .get(0)
                .asMessage()
                .content()
                .get(0)
                .asOutputText()
                .text();
        assertTrue(text.contains("You said: \"Hi there\""), text);
    }

    @Test
    void models_listWithTheSdk() {
        List<String> ids = new ArrayList<>();
        sdk.models()
                .list()
                .autoPager()
                .forEach(model -> ids.add(model.validate().id()));
        assertEquals(DemoProvider.MODELS, ids);
    }

    private static ChatCompletionCreateParams.Builder chat() {
        return ChatCompletionCreateParams.builder().model("demo").addUserMessage("Hi there");
    }

    private static List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> stream =
                sdk.chat().completions().createStreaming(params)) {
            return stream.stream().map(ChatCompletionChunk::validate).toList();
        }
    }
}
