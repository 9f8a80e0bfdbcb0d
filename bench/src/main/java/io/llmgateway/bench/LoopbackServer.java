package io.llmgateway.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** A server of the harness: its listening channel on loopback and the event loops it owns. */
public class LoopbackServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel listener;

    protected LoopbackServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
