package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The endpoint families of a proxied {@code POST /v1/...}. The documented inference families are sent to
 * every provider; any other family (named by the path's first segment: {@code batches}, {@code fine_tuning},
 * {@code files}, ...) only to providers whose {@code extra_endpoints} lists it, because such calls use the
 * provider's key for work outside the gateway's token accounting (training jobs, batch files).
 */
public final class Endpoints {
    /** The families every provider is sent, as path prefixes after {@code /v1/}. */
    public static final List<String> FORWARDED = List.of(
            "chat/completions", "completions", "embeddings", "responses", "messages", "moderations", "audio", "images");

    /** What {@link #extraFamily} returns for a path that no provider is sent, whatever its options. */
    public static final String NONE = "";

    private Endpoints() {}

    /**
     * The family of {@code pathAfterV1} ({@code "/chat/completions"}, {@code "/batches/b1/cancel?x=1"}):
     * null for a family every provider is sent, else its first segment ({@code "batches"}), or
     * {@link #NONE} when a segment starts with '.' (a server could resolve {@code ..} into another family).
     */
    public static String extraFamily(String pathAfterV1) {
        requireNonNull(pathAfterV1, "pathAfterV1");
        // Offsets rather than substrings: this runs for every proxied request.
        String p = pathAfterV1;
        int from = p.startsWith("/") ? 1 : 0;
        int query = p.indexOf('?');
        int end = query < 0 ? p.length() : query;
        for (int i = from; i < end; i++) {
            if (p.charAt(i) == '.' && (i == from || p.charAt(i - 1) == '/')) {
                return NONE;
            }
        }
        for (String family : FORWARDED) {
            int next = from + family.length();
            if (p.startsWith(family, from) && next <= end && (next == end || p.charAt(next) == '/')) {
                return null;
            }
        }
        int slash = p.indexOf('/', from);
        return p.substring(from, slash < 0 || slash > end ? end : slash);
    }
}
