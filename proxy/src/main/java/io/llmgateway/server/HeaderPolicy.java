package io.llmgateway.server;

import io.llmgateway.cache.ResponseCache;
import io.llmgateway.observe.RateLimitHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Which headers cross the gateway. Hop-by-hop headers (RFC 9110 section 7.6.1) belong to one connection;
 * credentials and account selectors of the client mean nothing to a provider that gets the gateway's
 * key; content headers are recomputed (UpstreamRequestHead).
 */
final class HeaderPolicy {
    private static final Set<AsciiString> HOP_BY_HOP = Set.of(
            HttpHeaderNames.CONNECTION,
            AsciiString.cached("keep-alive"),
            HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE,
            AsciiString.cached("proxy-connection"));

    /**
     * Not forwarded upstream: replaced by the gateway, identifying the client to the wrong account, the
     * client's credentials of any provider format ({@code authorization}, {@code x-api-key}, {@code api-key}:
     * only the provider's own key goes), the gateway's own credentials (the admin token; the admin session
     * travels in Cookie, never forwarded), or written by the provider's dialect for providers that take them
     * (Anthropic's version and beta flags: a provider of another format must not get them).
     */
    private static final Set<AsciiString> CLIENT_ONLY = Set.of(
            HttpHeaderNames.HOST,
            HttpHeaderNames.AUTHORIZATION,
            HttpHeaderNames.CONTENT_LENGTH,
            HttpHeaderNames.ACCEPT_ENCODING,
            HttpHeaderNames.COOKIE,
            HttpHeaderNames.EXPECT,
            AsciiString.cached("api-key"),
            AsciiString.cached("x-api-key"),
            AsciiString.cached("x-admin-token"),
            AsciiString.cached("anthropic-version"),
            AsciiString.cached("anthropic-beta"),
            AsciiString.cached("openai-organization"),
            AsciiString.cached("openai-project"),
            AsciiString.cached("x-request-id"));

    /**
     * Both sets as header names: a header map's lookup is case-insensitive and hashed, so the copy below asks
     * once per client header instead of copying everything and then removing twenty names. Never modified.
     */
    private static final HttpHeaders NOT_FORWARDED =
            DefaultHttpHeadersFactory.headersFactory().newHeaders();

    /**
     * Not relayed from a provider to the client, looked up the same way: hop-by-hop (framing included, the
     * gateway writes its own) and the headers the gateway replaces with its own values (ClientResponseHead).
     */
    private static final HttpHeaders NOT_RELAYED =
            DefaultHttpHeadersFactory.headersFactory().newHeaders();

    static {
        for (AsciiString name : HOP_BY_HOP) {
            NOT_FORWARDED.add(name, "");
            NOT_RELAYED.add(name, "");
        }
        for (AsciiString name : CLIENT_ONLY) {
            NOT_FORWARDED.add(name, "");
        }
        for (AsciiString name : RateLimitHeaders.PROVIDER_NAMES) {
            NOT_RELAYED.add(name, "");
        }
        NOT_RELAYED.add(HttpHeaderNames.CONTENT_LENGTH, "");
        NOT_RELAYED.add(RequestIds.HEADER, "");
        NOT_RELAYED.add(ProxyExchange.MODEL_HEADER, "");
        NOT_RELAYED.add(BudgetHeader.NAME, "");
        NOT_RELAYED.add(ResponseCache.HEADER, "");
    }

    private static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
    private static final AsciiString TRACESTATE = AsciiString.cached("tracestate");

    private HeaderPolicy() {}

    /**
     * Whether the client's header {@code name} may go to the provider: an end-to-end header the gateway does not
     * replace, and not named in the client's {@code Connection} header ({@code connectionListed}).
     */
    static boolean forwarded(CharSequence name, List<String> connectionListed) {
        return !NOT_FORWARDED.contains(name) && !isListed(name, connectionListed);
    }

    /**
     * Like {@link #forwarded}, leaving out the client's W3C trace context ({@code traceparent}, {@code tracestate}):
     * a traced request sends its own, whose parent is the attempt's span.
     */
    static boolean forwardedWithoutTraceContext(CharSequence name, List<String> connectionListed) {
        return forwarded(name, connectionListed)
                && !AsciiString.contentEqualsIgnoreCase(name, TRACEPARENT)
                && !AsciiString.contentEqualsIgnoreCase(name, TRACESTATE);
    }

    private static boolean isListed(CharSequence name, List<String> connectionListed) {
        for (int i = 0; i < connectionListed.size(); i++) {
            if (AsciiString.contentEqualsIgnoreCase(name, connectionListed.get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the provider's response header {@code name} goes to the client as it is: an end-to-end header
     * the gateway does not replace, and not named in the provider's {@code Connection} header
     * ({@code connectionListed}).
     */
    static boolean relayed(CharSequence name, List<String> connectionListed) {
        return !NOT_RELAYED.contains(name) && !isListed(name, connectionListed);
    }

    /** The header names listed in {@code Connection} (hop-by-hop too); usually none, or one or two. */
    static List<String> connectionListed(HttpHeaders headers) {
        String first = headers.get(HttpHeaderNames.CONNECTION);
        if (first == null) {
            return List.of(); // the common case for a request: nothing to allocate
        }
        if ((HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(first)
                        || HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(first))
                && onlyOneConnection(headers)) {
            return List.of(); // an answer's usual value; keep-alive is hop-by-hop anyway, close names no header
        }
        List<String> names = new ArrayList<>(2);
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static boolean onlyOneConnection(HttpHeaders headers) {
        Iterator<String> values = headers.valueStringIterator(HttpHeaderNames.CONNECTION);
        values.next();
        return !values.hasNext();
    }

    /** Removes the provider's hop-by-hop headers (but framing) before the response goes to the client. */
    static void stripResponseHeaders(HttpHeaders headers) {
        removeConnectionListed(headers);
        for (AsciiString name : HOP_BY_HOP) {
            if (name != HttpHeaderNames.TRANSFER_ENCODING) {
                headers.remove(name);
            }
        }
    }

    /** Headers named in {@code Connection} are hop-by-hop too. */
    private static void removeConnectionListed(HttpHeaders headers) {
        List<String> listed = connectionListed(headers);
        for (int i = 0; i < listed.size(); i++) {
            headers.remove(listed.get(i));
        }
    }
}
