package io.llmgateway.config;

import java.util.Locale;

/** The {@code server.transport} setting: which kernel interface the event loops use for their sockets. */
public enum IoTransport {
    /** io_uring where the kernel offers it, else epoll where there is one, else NIO. */
    AUTO,
    /** Linux io_uring, where Netty's probe finds it (a seccomp profile, such as Docker's default, may block it). */
    IO_URING,
    /** Linux epoll. */
    EPOLL,
    /** Java NIO: every platform. */
    NIO;

    /** The spelling used in config files. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
