package io.llmgateway.admin;

import static io.llmgateway.admin.AuthFailures.FREE_FAILURES;
import static io.llmgateway.admin.AuthFailures.MAX_FAILURES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.admin.AuthFailures.Attempt;
import io.llmgateway.admin.AuthFailures.Result;
import io.llmgateway.testing.Race;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthFailuresTest {
    private static final InetAddress A = address("192.0.2.1");
    private static final InetAddress B = address("192.0.2.2");

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final AuthFailures failures = new AuthFailures(now::get);

    private Attempt fail(InetAddress peer) {
        return failures.attempt(peer, () -> false);
    }

    private Attempt succeed(InetAddress peer) {
        return failures.attempt(peer, () -> true);
    }

    @Test
    void attempt_firstFailuresFree_thenEachWaitDoubles_upToAMinute() {
        for (int i = 1; i < FREE_FAILURES; i++) {
            assertEquals(new Attempt(Result.FAILED, i, 0), fail(A));
        }
        long expectedWait = 1000;
        for (int n = FREE_FAILURES; n < 12; n++) {
            Attempt failed = fail(A);
            assertEquals(new Attempt(Result.FAILED, n, expectedWait), failed, "failure " + n);
            now.addAndGet(expectedWait - 1);
            assertEquals(new Attempt(Result.WAIT, n, 1), fail(A), "one millisecond early");
            now.addAndGet(1);
            expectedWait = Math.min(expectedWait * 2, AuthFailures.MAX_DELAY_MILLIS);
        }
        assertEquals(AuthFailures.MAX_DELAY_MILLIS, fail(A).waitMillis(), "capped at a minute");
    }

    @Test
    void attempt_atMaxFailures_refusedUntilTheOldestLeavesTheWindow() {
        long start = now.get();
        Attempt last = null;
        for (int n = 1; n <= MAX_FAILURES; n++) {
            last = fail(A);
            assertEquals(Result.FAILED, last.result());
            now.addAndGet(last.waitMillis());
        }
        // 5 free, then 1+2+4+8+16+32 s, then 60 s nine times: the 20th failure came at 603 s.
        now.set(start + 603_000);
        assertEquals(new Attempt(Result.WAIT, MAX_FAILURES, 297_000), succeed(A), "even the right credentials wait");
        now.set(start + AuthFailures.WINDOW_MILLIS - 1);
        assertEquals(Result.WAIT, succeed(A).result());
        now.set(start + AuthFailures.WINDOW_MILLIS);
        assertEquals(Attempt.PASSED, succeed(A), "the first five left the window");
    }

    @Test
    void attempt_whileWaiting_doesNotLookAtTheCredentials() {
        for (int i = 0; i < FREE_FAILURES; i++) {
            fail(A);
        }
        AtomicBoolean looked = new AtomicBoolean();
        Attempt a = failures.attempt(A, () -> {
            looked.set(true);
            return true;
        });
        assertEquals(Result.WAIT, a.result());
        assertFalse(looked.get(), "no oracle while waiting");
    }

    @Test
    void attempt_otherAddressUnaffected_andSuccessResetsNothing() {
        for (int i = 0; i < FREE_FAILURES; i++) {
            fail(A);
        }
        assertEquals(Result.WAIT, fail(A).result());
        assertEquals(Attempt.PASSED, succeed(B));
        assertEquals(new Attempt(Result.FAILED, 1, 0), fail(B));
        now.addAndGet(1000);
        assertEquals(Attempt.PASSED, succeed(A));
        assertEquals(new Attempt(Result.FAILED, FREE_FAILURES + 1, 2000), fail(A), "the success reset nothing");
    }

    @Test
    void attempt_failuresAgeOutOfTheWindow() {
        for (int i = 0; i < FREE_FAILURES; i++) {
            fail(A);
        }
        now.addAndGet(AuthFailures.WINDOW_MILLIS);
        assertEquals(new Attempt(Result.FAILED, 1, 0), fail(A));
    }

    @Test
    void attempt_racingThreads_failNoMoreThanAllowed() throws Exception {
        long failed = Race.run(8, 50, () -> fail(A).result() == Result.FAILED ? 1 : 0);
        assertEquals(FREE_FAILURES, failed, "the wait check and the count are one step");
    }

    @Test
    void key_ipv6CountsByItsSlash64_ipv4ByItself() {
        assertEquals(
                AuthFailures.key(address("2001:db8:1:2:aaaa::1")), AuthFailures.key(address("2001:db8:1:2:bbbb::9")));
        assertNotEquals(AuthFailures.key(address("2001:db8:1:2::1")), AuthFailures.key(address("2001:db8:1:3::1")));
        assertNotEquals(AuthFailures.key(A), AuthFailures.key(B));
        for (int i = 0; i < FREE_FAILURES; i++) {
            fail(address("2001:db8::" + Integer.toHexString(i + 1)));
        }
        assertEquals(Result.WAIT, fail(address("2001:db8::ffff")).result(), "a new address in the same /64");
    }

    @Test
    void addresses_bounded_whateverTheNumberOfClients() throws Exception {
        for (int i = 0; i < AuthFailures.MAX_ADDRESSES * 3; i++) {
            fail(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
        }
        assertTrue(failures.addresses() <= AuthFailures.MAX_ADDRESSES, failures.addresses() + " addresses kept");
    }

    @Test
    void addresses_forgottenAfterTheWindow() {
        fail(A);
        assertEquals(1, failures.addresses());
        now.addAndGet(AuthFailures.WINDOW_MILLIS + 1);
        assertEquals(0, failures.addresses());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
