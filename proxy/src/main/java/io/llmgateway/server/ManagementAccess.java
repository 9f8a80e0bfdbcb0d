package io.llmgateway.server;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;

/**
 * Decides who may use the gateway's own paths (admin API and page, metrics). The request guard asks on a
 * request's head and hands the verdict to the endpoint with the {@link LocalExchange}; the admin feature
 * provides the implementation ({@link Gateway#setManagementAccess}).
 */
public interface ManagementAccess {
    /** Refuses everyone: the gateway's access until a feature sets its own. */
    ManagementAccess NONE = (headers, peer, path) ->
            new AccessVerdict(AccessVerdict.Outcome.REFUSED, "Admin access is not set up on this gateway.", 0);

    /**
     * Checks a request's credentials. A wrong credential counts as a failure of {@code peer}: call this
     * once per request.
     *
     * @param headers the request's headers
     * @param peer    the client's address (the connection's remote address), or null when it has none
     * @param path    the request's path, for the log
     */
    AccessVerdict check(HttpHeaders headers, InetAddress peer, String path);
}
