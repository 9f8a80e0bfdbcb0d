package io.llmgateway.config;

import java.util.Locale;

/** The calendar period a budget counts, in {@code routing.time_zone}. */
public enum BudgetPeriod {
    /** From midnight to midnight. */
    DAY,
    /** From Monday 00:00 to the next Monday 00:00 (ISO weeks). */
    WEEK,
    /** From the first of the month 00:00 to the first of the next. */
    MONTH,
    /** Never resets. */
    TOTAL;

    /** The spelling used in config files. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
