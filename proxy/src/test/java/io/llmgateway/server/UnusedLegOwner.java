package io.llmgateway.server;

import io.llmgateway.route.Failure;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObject;

/** The owner of an {@link UpstreamLeg} in tests whose leg never leases, sends or reads: any call fails. */
final class UnusedLegOwner implements UpstreamLeg.Owner {
    @Override
    public void leased(Channel ch) {
        throw new AssertionError();
    }

    @Override
    public void leaseFailed(Failure kind, String why) {
        throw new AssertionError();
    }

    @Override
    public void sendFailed(Throwable cause) {
        throw new AssertionError();
    }

    @Override
    public void onUpstreamMessage(HttpObject msg) {
        throw new AssertionError();
    }

    @Override
    public void onUpstreamError(Throwable cause) {
        throw new AssertionError();
    }

    @Override
    public void onUpstreamClosed() {
        throw new AssertionError();
    }
}
