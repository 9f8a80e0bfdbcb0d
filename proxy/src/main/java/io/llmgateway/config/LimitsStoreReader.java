package io.llmgateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/** Reads {@code limits_store} (a Redis URI), {@code limits_store_timeout} and {@code limits_store_fallback_share}. */
final class LimitsStoreReader {
    private LimitsStoreReader() {}

    /** {@code limits_store} (a Redis URI; absent or empty = memory) and its two top-level options. */
    static LimitsStoreSettings readLimitsStore(ConfigNode root) {
        LimitsStoreSettings d = LimitsStoreSettings.MEMORY;
        Duration timeout = root.get(ConfigKeys.LIMITS_STORE_TIMEOUT).asDuration(d.timeout());
        double share = readShare(root.get(ConfigKeys.LIMITS_STORE_FALLBACK_SHARE), d.fallbackShare());
        URI uri = readRedisUri(root.get(ConfigKeys.LIMITS_STORE));
        return new LimitsStoreSettings(uri, timeout, share);
    }

    /**
     * {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://...}; null when absent or empty.
     * Read as a secret: a message never echoes the value, since it may carry a password.
     */
    private static URI readRedisUri(ConfigNode node) {
        String text = node.asSecret();
        if (text.isEmpty()) {
            return null;
        }
        String example = "a URI like redis://host:6379/0 or rediss://:password@host:6380/0 (value not shown)";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            node.problem("expected " + example + "; special characters in a password must be %-encoded");
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            node.problem("expected " + example + ": the scheme must be redis (plain) or rediss (TLS)");
            return null;
        }
        if (uri.getHost() == null) {
            node.problem("expected " + example + ": no host name"
                    + (uri.getRawAuthority() != null ? " (%-encode special characters in the password)" : ""));
            return null;
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/") && !path.matches("/[0-9]{1,5}")) {
            node.problem("expected " + example + ": the path must be a database number like /0");
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            node.problem("expected " + example + ": query options are not supported; use limits_store_timeout");
            return null;
        }
        return uri;
    }

    /** A fraction in (0, 1]: {@code 0.5}, {@code 50%} or {@code 1/3}. */
    private static double readShare(ConfigNode node, double defaultValue) {
        String text = node.asString(null);
        if (text == null) {
            return defaultValue;
        }
        double share;
        try {
            String t = text.strip();
            int slash = t.indexOf('/');
            if (t.endsWith("%")) {
                share = Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100;
            } else if (slash > 0) {
                share = Double.parseDouble(t.substring(0, slash).strip())
                        / Double.parseDouble(t.substring(slash + 1).strip());
            } else {
                share = Double.parseDouble(t);
            }
        } catch (NumberFormatException e) {
            share = Double.NaN;
        }
        if (!(share > 0 && share <= 1)) {
            node.expected("a share greater than 0 and at most 1, like 0.5, 50% or 1/3");
            return defaultValue;
        }
        return share;
    }
}
