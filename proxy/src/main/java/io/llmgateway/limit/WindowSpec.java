package io.llmgateway.limit;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Limits;
import java.time.ZoneId;

/**
 * One provider's limits and keys, as a reservation needs them. Immutable; built again when the
 * provider's config changes.
 */
public final class WindowSpec {
    final String provider;
    final long rpm;
    final long tpm;
    final long rpd;
    final boolean rpdRolling;
    final ZoneId zone;
    final String rpmKey;
    final String tpmKey;
    final String rpdKey;

    /**
     * @param limits the provider's whole limits (every instance checks the same shared counts against them)
     * @param rpdRolling rpd counts a rolling 24 h window instead of calendar days in {@code zone}
     */
    public WindowSpec(String provider, Limits limits, boolean rpdRolling, ZoneId zone) {
        this.provider = requireNonNull(provider, "provider");
        requireNonNull(limits, "limits");
        this.rpm = limits.rpm();
        this.tpm = limits.tpm();
        this.rpd = limits.rpd();
        this.rpdRolling = rpdRolling;
        this.zone = requireNonNull(zone, "zone");
        this.rpmKey = SharedWindows.key(provider, "rpm");
        this.tpmKey = SharedWindows.key(provider, "tpm");
        // Rolling (minute buckets) and calendar (day buckets) rpd never share a key: the numbers differ.
        this.rpdKey = SharedWindows.key(provider, rpdRolling ? "rpd24h" : "rpd");
    }

    public String provider() {
        return provider;
    }

    @Override
    public String toString() {
        return "WindowSpec[" + provider + ", rpm=" + rpm + ", tpm=" + tpm + ", rpd=" + rpd
                + (rpdRolling ? " rolling" : " per day in " + zone) + ']';
    }
}
