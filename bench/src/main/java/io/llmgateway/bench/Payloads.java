package io.llmgateway.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

/** The canned request and response bodies shared by the JMH benchmarks, the mock and the load harness. */
public final class Payloads {
    /** A typical small chat request (what the OpenAI SDK sends for one short question). */
    public static final String SMALL_REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":["
            + "{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
            + "{\"role\":\"user\",\"content\":\"What is the capital of France? Answer in one word.\"}],"
            + "\"temperature\":0.2,\"max_tokens\":64}";

    public static final String SMALL_STREAM_REQUEST =
            SMALL_REQUEST.substring(0, SMALL_REQUEST.length() - 1) + ",\"stream\":true}";

    /** {@link #SMALL_REQUEST} in Anthropic's Messages format, for the translated path (Messages client, OpenAI provider). */
    public static final String SMALL_MESSAGES_REQUEST = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":64,"
            + "\"system\":\"You are a helpful assistant.\",\"messages\":["
            + "{\"role\":\"user\",\"content\":\"What is the capital of France? Answer in one word.\"}],"
            + "\"temperature\":0.2}";

    public static final String SMALL_MESSAGES_STREAM_REQUEST =
            SMALL_MESSAGES_REQUEST.substring(0, SMALL_MESSAGES_REQUEST.length() - 1) + ",\"stream\":true}";

    /** The one-token answer a chat completion gives (about 400 bytes, usage included). */
    public static final String CHAT_COMPLETION = "{\"id\":\"chatcmpl-bench0001\",\"object\":\"chat.completion\","
            + "\"created\":1735689600,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"Paris.\",\"refusal\":null},"
            + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":31,"
            + "\"completion_tokens\":2,\"total_tokens\":33},\"system_fingerprint\":\"fp_bench\"}";

    /**
     * One content delta event as OpenAI streams it with include_usage (which the gateway asks for): every
     * chunk before the usage chunk carries {@code "usage":null}.
     */
    public static String chunk(String content) {
        return "data: {\"id\":\"chatcmpl-bench0001\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + content + "\"},\"logprobs\":null,\"finish_reason\":null}],"
                + "\"usage\":null}\n\n";
    }

    public static final String USAGE_CHUNK =
            "data: {\"id\":\"chatcmpl-bench0001\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1735689600,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":10,\"total_tokens\":41}}\n\n";

    static final String DONE = "data: [DONE]\n\n";

    static final String[] WORDS = {
        "The", " capital", " of", " France", " is", " Paris", ",", " a", " city", " of", " light", "."
    };

    /** A whole streamed answer: a role chunk, 12 content deltas, the finish chunk, usage, [DONE] (~4 KB). */
    public static final String SSE_STREAM = sseStream();

    private static String sseStream() {
        StringBuilder sb = new StringBuilder(chunk(""));
        for (String w : WORDS) {
            sb.append(chunk(w));
        }
        sb.append("data: {\"id\":\"chatcmpl-bench0001\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n");
        sb.append(USAGE_CHUNK).append(DONE);
        return sb.toString();
    }

    /** A chat request of about {@code bytes} bytes: a long English system prompt and a question. */
    public static String largeRequest(int bytes) {
        return largeRequest(bytes, false);
    }

    /**
     * A chat request of about {@code bytes} bytes: a long system prompt (documents pasted in) and a question;
     * {@code multilingual} puts accented and CJK words in every sentence.
     */
    public static String largeRequest(int bytes, boolean multilingual) {
        StringBuilder text = new StringBuilder(bytes);
        String sentence = "The gateway forwards each request to the provider with the most headroom; "
                + (multilingual ? "caf\u00e9 \u00fcber na\u00efve \u65e5\u672c\u8a9e. " : "it's 3x faster, isn't it? ");
        while (text.length() < bytes - 300) {
            text.append(sentence);
        }
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"" + text
                + "\"},{\"role\":\"user\",\"content\":\"Summarise the text above.\"}],\"max_tokens\":256}";
    }

    public static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }

    private Payloads() {}
}
