package io.llmgateway.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Percent-decoding of a path segment (model ids like {@code ft:gpt-4o:org%3Aname}). */
final class QueryDecoding {
    private QueryDecoding() {}

    static String decodePathSegment(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }
}
