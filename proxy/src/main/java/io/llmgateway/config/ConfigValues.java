package io.llmgateway.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How integers, booleans, durations, sizes and zones are spelled in the config file; {@link ConfigNode} reports what does not parse. */
final class ConfigValues {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*(B|KiB|MiB|GiB|[kKmMgG])?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    static final Map<String, Boolean> BOOLEANS = Map.of(
            // yes/no/on/off: YAML 1.1 (PyYAML, which reads many existing config files) makes these booleans.
            "true", true, "false", false, "yes", true, "no", false, "on", true, "off", false);

    private ConfigValues() {}

    /** The duration {@code value} spells, null when it spells none. */
    static Duration duration(String value) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            return null;
        }
        try {
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return null;
        }
    }

    /** The bytes {@code value} spells ({@code Long.MAX_VALUE} when too many), null when it spells no size. */
    static Long bytes(String value) {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            return null;
        }
        String unit = m.group(2) == null ? "B" : m.group(2);
        int shift = switch (unit) {
            case "KiB", "k", "K" -> 10;
            case "MiB", "m", "M" -> 20;
            case "GiB", "g", "G" -> 30;
            default -> 0;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return Long.MAX_VALUE;
        }
    }

    /** The integer {@code value} spells when it is from {@code min} to {@code max}, else null. */
    static Long integer(String value, long min, long max) {
        if (INTEGER.matcher(value).matches()) {
            try {
                long parsed = Long.parseLong(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException tooLarge) {
                // not an integer we can hold: null below
            }
        }
        return null;
    }

    /** The time zone {@code value} names, null when it names none. */
    static ZoneId zone(String value) {
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            return null;
        }
    }
}
