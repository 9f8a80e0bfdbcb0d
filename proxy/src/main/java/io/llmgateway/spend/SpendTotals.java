package io.llmgateway.spend;

/**
 * Spend summed over some requests: tokens as {@link BilledTokens} counts them, and the cost in nano-dollars.
 *
 * @param requests answered requests counted
 * @param unpriced of {@code requests}, those to a model without a known price (cost 0)
 * @param costNanos what they cost, in nano-dollars
 */
public record SpendTotals(
        long requests,
        long unpriced,
        long input,
        long cachedInput,
        long cacheRead,
        long cacheWrite,
        long output,
        long costNanos) {
    public static final SpendTotals ZERO = new SpendTotals(0, 0, 0, 0, 0, 0, 0, 0);

    /** The two sums added (saturating, like every sum of money here). */
    public SpendTotals plus(SpendTotals o) {
        return new SpendTotals(
                Cost.add(requests, o.requests),
                Cost.add(unpriced, o.unpriced),
                Cost.add(input, o.input),
                Cost.add(cachedInput, o.cachedInput),
                Cost.add(cacheRead, o.cacheRead),
                Cost.add(cacheWrite, o.cacheWrite),
                Cost.add(output, o.output),
                Cost.add(costNanos, o.costNanos));
    }
}
