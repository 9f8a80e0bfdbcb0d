package io.llmgateway.admin;

import io.llmgateway.server.LocalExchange;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Serves the admin page from the {@code admin-static} module's classpath resources, read into memory
 * once at start-up (so serving never touches the disk on an event loop). Only the files listed here
 * exist: a request path is looked up by name, never resolved against a directory.
 *
 * <p>{@code /admin} is the page for a permitted client and the login page for anyone else (a throttled
 * address too: its sign-in is then answered 429); scripts, styles and icons carry no data and are served
 * to anyone (the login page needs them).
 */
final class StaticAssets {
    static final String ROOT = "admin-static/";
    static final List<String> FILES =
            List.of("index.html", "login.html", "admin.css", "admin.js", "login.js", "favicon.svg");

    private record Asset(byte[] body, String contentType, String etag) {}

    private final Map<String, Asset> assets = new HashMap<>();
    private final AdminAccess access;

    StaticAssets(AdminAccess access) {
        this.access = access;
        for (String name : FILES) {
            assets.put(name, load(name));
        }
    }

    /** Serves {@code /admin}, {@code /admin/} and {@code /admin/NAME}; anything else under /admin/ is 404. */
    void serve(LocalExchange exchange) {
        if (exchange.method() != HttpMethod.GET && exchange.method() != HttpMethod.HEAD) {
            FullHttpResponse r = AdminHttp.json(
                    exchange,
                    405,
                    AdminHttp.errorJson(405, "method_not_allowed", "Use GET for the admin page.", null, null));
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            exchange.respond(r);
            return;
        }
        String path = exchange.path();
        String name;
        if (path.equals("/admin") || path.equals("/admin/") || path.equals("/admin/index.html")) {
            name = access.permits(exchange) ? "index.html" : "login.html";
        } else {
            name = path.substring("/admin/".length());
            if (name.equals("login.html") && access.permits(exchange)) {
                name = "index.html";
            }
        }
        Asset asset = assets.get(name);
        if (asset == null) {
            exchange.respond(AdminHttp.json(
                    exchange, 404, AdminHttp.errorJson(404, "not_found", "No such admin file.", null, null)));
            return;
        }
        String inm = exchange.request().headers().get(HttpHeaderNames.IF_NONE_MATCH);
        boolean notModified = asset.etag.equals(inm);
        FullHttpResponse r = AdminHttp.response(
                exchange,
                notModified ? 304 : 200,
                asset.contentType,
                notModified ? new byte[0] : asset.body,
                AdminHttp.PAGE_CSP);
        // Revalidate every time: the page and its script must change together after an upgrade.
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        r.headers().set(HttpHeaderNames.ETAG, asset.etag);
        r.headers().set(HttpHeaderNames.VARY, "Cookie, Authorization");
        if (name.equals("login.html") && exchange.request().headers().contains(HttpHeaderNames.COOKIE)) {
            // A session cookie that did not let the browser in is stale: each use would count as a failure.
            r.headers().set(HttpHeaderNames.SET_COOKIE, access.expiredSessionCookie());
        }
        exchange.respond(r);
    }

    private static Asset load(String name) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("admin page file missing from the classpath: " + ROOT + name
                        + " (is the admin-static module on the classpath?)");
            }
            byte[] body = in.readAllBytes();
            return new Asset(body, contentType(name), '"' + HexFormat.of().formatHex(sha256(body), 0, 8) + '"');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT + name, e);
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "application/octet-stream";
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
