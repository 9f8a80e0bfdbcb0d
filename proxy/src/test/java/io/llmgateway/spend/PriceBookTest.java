package io.llmgateway.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.Price;
import io.llmgateway.config.SpendSettings;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceBookTest {
    private static final Price MINE = Price.of(1_000_000, 2_000_000);
    private static final Price ROUTE = Price.of(590_000, 790_000);

    private static PriceBook book(Map<String, Price> pricing) {
        return PriceBook.of(new SpendSettings(pricing, Map.of(), "spend.db", 4096));
    }

    @Test
    void find_routePriceBeatsPricingBeatsBuiltIn() {
        PriceBook book = book(Map.of("gpt-4o", MINE));
        assertEquals(ROUTE, book.find(new ModelRoute("openai", "gpt-4o", true, 1, ROUTE)));
        assertEquals(MINE, book.find(new ModelRoute("openai", "gpt-4o", true, 1)));
        assertEquals(
                new Price(150_000, 600_000, 75_000, Price.NOT_SET, Price.NOT_SET),
                book.find(new ModelRoute("openai", "gpt-4o-mini", true, 1)));
    }

    @Test
    void find_unknown_unpriced() {
        assertNull(book(Map.of()).find("my-finetune"));
        assertNull(book(Map.of()).find("my-finetune-20250101"));
    }

    @Test
    void find_datedAlias_takesItsUndatedEntry() {
        PriceBook book = book(Map.of());
        assertEquals(book.find("claude-sonnet-4-5"), book.find("claude-sonnet-4-5-20250929"));
        assertEquals(book.find("claude-opus-4-1"), book.find("claude-opus-4-1-20250805"));
        assertEquals(book.find("claude-sonnet-4"), book.find("claude-sonnet-4-20250514"));
        assertEquals(book.find("gpt-4.1"), book.find("gpt-4.1-2025-04-14"));
        assertEquals(book.find("claude-3-7-sonnet"), book.find("claude-3-7-sonnet-latest"));
        // a snapshot priced differently has an entry of its own
        assertEquals(Price.of(5_000_000, 15_000_000), book.find("gpt-4o-2024-05-13"));
        assertEquals(book.find("gpt-4o"), book.find("gpt-4o-2024-08-06"));
    }

    @Test
    void find_operatorsUndatedEntry_beatsBuiltInDatedOne() {
        assertEquals(MINE, book(Map.of("gpt-4o", MINE)).find("gpt-4o-2024-05-13"));
    }

    @Test
    void builtIn_coversTheWidelyUsedModels() {
        Map<String, Price> table = BuiltInPrices.table();
        for (String model : List.of(
                "gpt-4o",
                "gpt-4o-mini",
                "gpt-4.1",
                "gpt-4.1-mini",
                "gpt-4.1-nano",
                "o3",
                "o4-mini",
                "claude-opus-4-1",
                "claude-opus-4-5",
                "claude-sonnet-4",
                "claude-sonnet-4-5",
                "claude-haiku-4-5")) {
            assertNotNull(table.get(model), model);
        }
        assertEquals(
                new Price(3_000_000, 15_000_000, Price.NOT_SET, 300_000, 3_750_000), table.get("claude-sonnet-4-5"));
        assertEquals(new Price(2_000_000, 8_000_000, 500_000, Price.NOT_SET, Price.NOT_SET), table.get("gpt-4.1"));
        for (Map.Entry<String, Price> e : table.entrySet()) {
            Price p = e.getValue();
            // Anthropic's cache writes cost more than input, OpenAI's cached input less: a typo shows here
            assertTrue(p.cacheWrite() == Price.NOT_SET || p.cacheWrite() > p.input(), e.getKey());
            assertTrue(p.cachedInput() == Price.NOT_SET || p.cachedInput() < p.input(), e.getKey());
            assertTrue(p.cacheRead() == Price.NOT_SET || p.cacheRead() < p.input(), e.getKey());
        }
    }

    @Test
    void builtIn_resourceIsDatedAndSaysHowToOverride() throws Exception {
        String text;
        try (InputStream in = BuiltInPrices.class.getResourceAsStream(BuiltInPrices.RESOURCE)) {
            assertNotNull(in);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(text.matches("(?s).*# As of: \\d{4}-\\d{2}-\\d{2}\\..*"), "a date");
        assertTrue(text.contains("Sources:"), "a source");
        assertTrue(text.contains("`pricing:` in config.yaml"), "how to override");
    }
}
