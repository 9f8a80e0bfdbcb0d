package io.llmgateway.server;

import io.llmgateway.transport.Transport;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Configures Netty's io_uring before any test runs, as Main does before anything else: a test that starts
 * Lettuce (the Redis client) first would otherwise load Netty's io_uring classes with their defaults.
 */
public final class TransportSession implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Transport.configureNetty();
    }
}
