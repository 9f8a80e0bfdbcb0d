package io.llmgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.MockUpstream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The response cache panel in a real headless Chromium: its figures, and the clear with its confirmation. */
@Tag("browser")
class CachePanelBrowserTest {
    private static final String CHAT =
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static Browser browser;
    private MockUpstream acme;
    private TestGateway g;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.startOrSkip(1440, 1400);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        acme = MockUpstream.start();
        g = TestGateway.start("""
                api_provider:
                  acme: {base_url: "%s", api_key: sk-cache-panel-provider}
                model_config:
                  gpt-4o-mini:
                    cache: true
                    acme: {}
                """.formatted(acme.baseUrl()));
    }

    @AfterEach
    void stop() {
        List<String> severe = browser == null ? List.of() : browser.leavePage();
        if (g != null) {
            g.close();
        }
        acme.close();
        assertEquals(List.of(), severe, "no script error and no CSP violation in the console");
    }

    @Test
    void panel_showsTheFigures_andClearEmptiesTheCacheAfterConfirmation() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
        }
        browser.driver.get(g.url("/admin"));
        browser.await().until(d -> d.findElement(By.id("cache-stats")).getText().contains("1 entries"));
        String stats = browser.driver.findElement(By.id("cache-stats")).getText();
        assertTrue(stats.contains("hit ratio 75%"), stats);
        assertTrue(stats.contains("3 hits"), stats);
        assertTrue(stats.contains("saved 45 tokens"), stats);
        assertTrue(browser.driver.findElement(By.id("cache-hint")).getText().contains("gpt-4o-mini"));
        browser.waitFor(By.id("cache-clear")).click();
        browser.waitVisible(By.id("confirm-ok")).click();
        browser.await().until(d -> d.findElement(By.id("cache-stats")).getText().contains("0 entries"));
        assertEquals(0, g.gateway().cache().entries());
    }
}
