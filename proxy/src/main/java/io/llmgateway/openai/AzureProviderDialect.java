package io.llmgateway.openai;

import static java.util.Objects.requireNonNull;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Azure OpenAI deployments, for clients of OpenAI's API: OpenAI's bodies and answers ({@link
 * OpenAiProviderDialect}) at Azure's URLs, with the key as {@code api-key}. With a dated {@code api_version} the
 * deployment (the model's alias) is in the path, {@code {base}/deployments/{alias}/chat/completions?api-version=...};
 * with {@code v1}, Azure's OpenAI-style URLs take the path as OpenAI's do, {@code {base}/v1/chat/completions},
 * and the deployment from the body's {@code model}. The path after {@code /v1} names the operation either way.
 */
public final class AzureProviderDialect implements ProviderDialect {
    /** The {@code api_version} of Azure's v1 URLs. */
    public static final String V1 = "v1";

    private final OpenAiProviderDialect openai;
    private final String apiVersion;

    /**
     * @param openai writes the bodies and taps the answers
     * @param apiVersion Azure's {@code api-version} (a date like {@code 2024-10-21}), or {@code v1}
     */
    public AzureProviderDialect(OpenAiProviderDialect openai, String apiVersion) {
        this.openai = requireNonNull(openai, "openai");
        this.apiVersion = requireNonNull(apiVersion, "apiVersion");
    }

    @Override
    public String target(String basePath, String pathSuffix, String alias) {
        return target(apiVersion, basePath, pathSuffix, alias);
    }

    /**
     * The request target of an Azure provider of {@code apiVersion} for the client's path after {@code /v1}
     * ({@code pathSuffix}, with its query) and the deployment {@code alias}.
     */
    public static String target(String apiVersion, String basePath, String pathSuffix, String alias) {
        if (apiVersion.equals(V1)) {
            return basePath + "/v1" + pathSuffix;
        }
        int query = pathSuffix.indexOf('?');
        StringBuilder t = new StringBuilder(basePath.length() + pathSuffix.length() + alias.length() + 48)
                .append(basePath)
                .append("/deployments/")
                .append(pathSegment(alias));
        if (query < 0) {
            t.append(pathSuffix).append('?');
        } else {
            t.append(pathSuffix).append('&');
        }
        return t.append("api-version=").append(apiVersion).toString();
    }

    /** {@code alias} as one path segment: a name of letters, digits, '-', '_' and '.' as it is, else encoded. */
    static String pathSegment(String alias) {
        for (int i = 0; i < alias.length(); i++) {
            char c = alias.charAt(i);
            boolean plain = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '_'
                    || c == '.';
            if (!plain) {
                return URLEncoder.encode(alias, StandardCharsets.UTF_8).replace("+", "%20");
            }
        }
        return alias.equals(".") || alias.equals("..") ? alias.replace(".", "%2E") : alias;
    }

    @Override
    public String keyHeader() {
        return "api-key";
    }

    @Override
    public String keyValue(String apiKey) {
        return apiKey;
    }

    /** None: the version travels in the URL. */
    @Override
    public void headers(HttpHeaders client, BiConsumer<String, String> out) {}

    @Override
    public ByteBuf body(ByteBufAllocator alloc, ByteBuf clientBody, RequestFacts facts, String alias) {
        return openai.body(alloc, clientBody, facts, alias);
    }

    @Override
    public boolean streams(HttpHeaders answer) {
        return openai.streams(answer);
    }

    @Override
    public boolean resizes(boolean stream, RequestFacts facts) {
        return openai.resizes(stream, facts);
    }

    @Override
    public AnswerTap tap(boolean stream, RequestFacts facts, String encoding) {
        return openai.tap(stream, facts, encoding);
    }
}
