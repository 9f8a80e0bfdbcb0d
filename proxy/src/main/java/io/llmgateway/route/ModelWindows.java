package io.llmgateway.route;

import io.llmgateway.config.Limits;
import io.llmgateway.limit.RateCounter;

/**
 * The per-minute request and token windows of a model, summed over its enabled providers, for the
 * {@code x-ratelimit-*} headers clients read. A limit of {@link Limits#UNLIMITED} means at least one of
 * those providers has no such limit, so the model has none either (and the headers are left out).
 *
 * @param requestLimit sum of the providers' rpm
 * @param requestsRemaining requests the providers can still take in their current windows
 * @param requestsResetMillis until every provider's request window is empty again (0 when it already is)
 * @param tokenLimit sum of the providers' tpm
 * @param tokensRemaining tokens the providers can still take in their current windows
 * @param tokensResetMillis until every provider's token window is empty again
 */
public record ModelWindows(
        long requestLimit,
        long requestsRemaining,
        long requestsResetMillis,
        long tokenLimit,
        long tokensRemaining,
        long tokensResetMillis) {

    /** Sums provider windows; each provider is added once even when several routes share it. */
    static final class Sum {
        private long requestLimit;
        private long requestsRemaining;
        private long requestsReset;
        private long tokenLimit;
        private long tokensRemaining;
        private long tokensReset;
        private boolean any;
        private final long now;

        /** @param now the counters' clock, read once so that every window is summed at the same instant */
        Sum(long now) {
            this.now = now;
        }

        void add(ProviderState s) {
            any = true;
            RateCounter rpm = s.limiter.rpm();
            RateCounter tpm = s.limiter.tpm();
            if (requestLimit != Limits.UNLIMITED) {
                long used = rpm.current(now);
                requestLimit = addLimit(requestLimit, rpm);
                requestsRemaining = saturatedAdd(requestsRemaining, Math.max(0, rpm.limit() - used));
                requestsReset = Math.max(requestsReset, untilEmpty(rpm, used));
            }
            if (tokenLimit != Limits.UNLIMITED) {
                long used = tpm.current(now);
                tokenLimit = addLimit(tokenLimit, tpm);
                tokensRemaining = saturatedAdd(tokensRemaining, Math.max(0, tpm.limit() - used));
                tokensReset = Math.max(tokensReset, untilEmpty(tpm, used));
            }
        }

        ModelWindows result() {
            if (!any) {
                return null;
            }
            return new ModelWindows(
                    requestLimit, requestsRemaining, requestsReset, tokenLimit, tokensRemaining, tokensReset);
        }

        private static long addLimit(long sum, RateCounter counter) {
            long limit = counter.limit();
            return limit == Limits.UNLIMITED ? Limits.UNLIMITED : saturatedAdd(sum, limit);
        }

        private long untilEmpty(RateCounter counter, long used) {
            return counter.limit() == Limits.UNLIMITED || used == 0 ? 0 : counter.millisUntilEmpty(now);
        }

        private static long saturatedAdd(long a, long b) {
            long r = a + b;
            return r < 0 || r == Limits.UNLIMITED ? Limits.UNLIMITED - 1 : r;
        }
    }
}
