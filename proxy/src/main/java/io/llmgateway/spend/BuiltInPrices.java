package io.llmgateway.spend;

import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.Price;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The price table shipped in the jar ({@code prices.yaml} beside this class): public list prices, dated in
 * the file, read once with the config file's own {@code pricing:} reader so that its entries can be copied
 * into config.yaml as they are.
 */
final class BuiltInPrices {
    static final String RESOURCE = "prices.yaml";

    private BuiltInPrices() {}

    /** The table; loaded on first use. */
    static Map<String, Price> table() {
        return Holder.TABLE;
    }

    static Map<String, Price> load() {
        try (InputStream in = BuiltInPrices.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return Map.copyOf(ConfigLoader.parsePricing(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        } catch (ConfigException e) {
            throw new IllegalStateException(RESOURCE + " is invalid: " + e.getMessage(), e);
        }
    }

    private static final class Holder {
        static final Map<String, Price> TABLE = load();
    }
}
