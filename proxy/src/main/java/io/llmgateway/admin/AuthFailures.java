package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/*
 * Design notes
 * - Failed admin authentications are counted per client address, so one guesser slows down only itself:
 *   a global bucket would let anyone lock every admin out with a few bad tries.
 * - After FREE_FAILURES failures in WINDOW, an address waits 1 s, 2 s, 4 s ... (at most MAX_DELAY) after
 *   each failure before its next credentials are even looked at; at MAX_FAILURES it waits until the
 *   oldest failure leaves the window. Waiting is a 429 with Retry-After, never a sleeping thread.
 * - The wait check, the credential check and the count happen under the address's own lock, so racing
 *   requests on several event loops cannot sneak in more tries than the limit. A success resets nothing:
 *   behind a NAT or a proxy, an admin's success must not wipe a guesser's count.
 * - Memory is bounded: a Caffeine cache of at most MAX_ADDRESSES records, each a fixed ring of
 *   MAX_FAILURES timestamps, forgotten WINDOW after their last use. An IPv6 client counts with its /64
 *   network, since one host usually has a whole /64 to pick addresses from.
 * - Time is the gateway's clock (the cache's ticker too), so tests move it by hand.
 */
final class AuthFailures {
    static final int FREE_FAILURES = 5;
    static final int MAX_FAILURES = 20;
    static final long WINDOW_MILLIS = Duration.ofMinutes(15).toMillis();
    static final long MAX_DELAY_MILLIS = 60_000;
    static final int MAX_ADDRESSES = 10_000;
    /** The key of a request without an IP address (tests over an embedded channel, a Unix socket). */
    private static final Object NO_ADDRESS = new Object();

    enum Result {
        PASSED,
        FAILED,
        WAIT
    }

    /**
     * One attempt's outcome.
     *
     * @param failures   the address's failures in the window (this one included)
     * @param waitMillis for WAIT, how long until the next attempt is looked at; for FAILED, the wait this
     *                   failure imposes on the next attempt (0: none)
     */
    record Attempt(Result result, int failures, long waitMillis) {
        static final Attempt PASSED = new Attempt(Result.PASSED, 0, 0);
    }

    private final LongSupplier clock;
    private final Cache<Object, Failures> byAddress;

    AuthFailures(LongSupplier clock) {
        this.clock = requireNonNull(clock, "clock");
        this.byAddress = Caffeine.newBuilder()
                .maximumSize(MAX_ADDRESSES)
                .expireAfterAccess(Duration.ofMillis(WINDOW_MILLIS))
                .ticker(() -> clock.getAsLong() * 1_000_000L)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Runs {@code check} unless {@code peer} must wait; counts a failed check.
     *
     * @param check whether the presented credentials are right; runs under the address's lock, so it must
     *              be quick and take no other lock that could wait for this one
     */
    Attempt attempt(InetAddress peer, BooleanSupplier check) {
        Failures f = byAddress.get(key(peer), k -> new Failures());
        synchronized (f) {
            long now = clock.getAsLong();
            long wait = f.waitMillis(now);
            if (wait > 0) {
                return new Attempt(Result.WAIT, f.size, wait);
            }
            if (check.getAsBoolean()) {
                return Attempt.PASSED;
            }
            f.add(now);
            return new Attempt(Result.FAILED, f.size, f.waitMillis(now));
        }
    }

    /** Addresses with a record (for tests). */
    long addresses() {
        byAddress.cleanUp();
        return byAddress.estimatedSize();
    }

    /** An IPv4 address as is, an IPv6 address by its /64 network. */
    static Object key(InetAddress peer) {
        if (peer == null) {
            return NO_ADDRESS;
        }
        if (peer instanceof Inet6Address) {
            byte[] network = Arrays.copyOf(peer.getAddress(), 16);
            Arrays.fill(network, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(network); // raw bytes: no lookup
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are always an IPv6 address", e);
            }
        }
        return peer;
    }

    /** The recent failures of one address: a ring of timestamps, oldest first. Guarded by itself. */
    private static final class Failures {
        private final long[] at = new long[MAX_FAILURES];
        private int head;
        private int size;

        void add(long now) {
            if (size == at.length) { // waitMillis refuses a full ring; this only keeps the ring from overflowing
                head = (head + 1) % at.length;
                size--;
            }
            at[(head + size) % at.length] = now;
            size++;
        }

        long waitMillis(long now) {
            while (size > 0 && at[head] <= now - WINDOW_MILLIS) {
                head = (head + 1) % at.length;
                size--;
            }
            if (size < FREE_FAILURES) {
                return 0;
            }
            long delay = delayAfter(size);
            long last = at[(head + size - 1) % at.length];
            // Capped, so that a clock set back cannot lock an address out for longer than the rule says.
            long wait = Math.min(last + delay - now, delay);
            if (size >= MAX_FAILURES) {
                wait = Math.max(wait, Math.min(at[head] + WINDOW_MILLIS - now, WINDOW_MILLIS));
            }
            return Math.max(0, wait);
        }
    }

    /** The wait after the {@code failures}-th failure (at least FREE_FAILURES): 1 s, doubling, at most MAX_DELAY. */
    static long delayAfter(int failures) {
        return Math.min(1000L << Math.min(failures - FREE_FAILURES, 16), MAX_DELAY_MILLIS);
    }
}
