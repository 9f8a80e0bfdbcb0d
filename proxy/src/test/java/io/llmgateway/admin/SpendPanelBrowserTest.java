package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** The spend panel in a real headless Chromium: figures, the budget edit and the reset with its confirmation. */
@Tag("browser")
class SpendPanelBrowserTest {
    private static final String KEY = "sk-spend-panel-0123456789";
    private static final String CHAT =
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static Browser browser;

    @TempDir
    Path dir;

    private MockUpstream acme;
    private TestGateway g;
    private AdminClient api;

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
        g = TestGateway.startFromFile(dir, """
                routing:
                  time_zone: UTC
                pricing:
                  gpt-4o-mini: {input: 0.15, output: 0.60}
                gateway:
                  spend_file: %s
                  api_keys:
                    - {name: team-a, key: %s, budget: {usd: 50, period: month}}
                api_provider:
                  acme: {base_url: "%s", api_key: sk-spend-panel-provider}
                model_config:
                  gpt-4o-mini:
                    acme: {}
                """.formatted(dir.resolve("spend.db"), KEY, acme.baseUrl()));
        api = new AdminClient(g);
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

    /** Two requests of team-a, each (1000 in, 500 out) at (0.15, 0.60) per 1M tokens: 0.0009 together. */
    private void traffic() throws Exception {
        for (int i = 0; i < 2; i++) {
            acme.enqueue(Behaviour.chatCompletion("hi", 1000, 500));
            assertEquals(
                    200,
                    g.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + KEY)
                            .statusCode());
        }
    }

    private WebElement cell(String table, String name, String role) {
        return browser.driver.findElement(
                By.cssSelector("#" + table + " tr[data-name='" + name + "'] [data-role='" + role + "']"));
    }

    private void awaitText(String table, String name, String role, String text) {
        browser.await().until(d -> {
            List<WebElement> found = d.findElements(
                    By.cssSelector("#" + table + " tr[data-name='" + name + "'] [data-role='" + role + "']"));
            return !found.isEmpty() && found.get(0).getText().contains(text);
        });
    }

    private Object budget(int index, String field) throws Exception {
        return at(api.get("/api/usage"), "spend", "budgets", index, field);
    }

    @Test
    void panel_showsSpendPerKeyProviderAndModel_andTheTopSpenders() throws Exception {
        traffic();
        browser.driver.get(g.url("/admin"));
        awaitText("spend-keys", "team-a", "today", "$0.0009");
        assertEquals("$0.0009", cell("spend-keys", "team-a", "this-period").getText());
        assertEquals("$0.0009", cell("spend-keys", "team-a", "total").getText());
        assertEquals("$0.0009", cell("spend-providers", "acme", "today").getText());
        assertEquals("$0.0009", cell("spend-models", "gpt-4o-mini", "total").getText());
        assertTrue(
                cell("spend-keys", "team-a", "budget").getText().contains("of $50.00 / month"),
                cell("spend-keys", "team-a", "budget").getText());
        assertEquals(
                "team-a $0.0009",
                browser.driver
                        .findElement(By.cssSelector("#top-spenders [data-key='team-a']"))
                        .getText());
        assertFalse(browser.driver.getPageSource().contains(KEY), "no client key on the page");
        WebElement panel = browser.driver.findElement(By.id("spend-panel"));
        Files.write(Path.of("target", "spend-panel.png"), panel.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void budgetEdit_rejectedValueNamesTheField_validOneIsSavedAndShown() throws Exception {
        browser.driver.get(g.url("/admin"));
        browser.waitFor(By.cssSelector("#spend-keys tr[data-name='team-a'] button[data-action='edit-budget']"))
                .click();
        WebElement usd = browser.waitVisible(By.id("f-usd"));
        assertEquals("50", usd.getAttribute("value"));
        usd.clear();
        usd.sendKeys("lots");
        browser.driver.findElement(By.id("form-submit")).click();
        WebElement error = browser.waitVisible(By.id("form-error"));
        assertTrue(error.getText().contains("gateway.api_keys[0].budget.usd:"), error.getText());
        assertEquals("50", budget(0, "usd"), "nothing changed");

        usd.clear();
        usd.sendKeys("20");
        new Select(browser.driver.findElement(By.id("f-period"))).selectByValue("week");
        browser.driver.findElement(By.id("form-submit")).click();
        browser.await().until(ExpectedConditions.invisibilityOfElementLocated(By.id("form-dialog")));
        assertEquals("20", budget(0, "usd"));
        assertEquals("week", budget(0, "period"));
        awaitText("spend-keys", "team-a", "budget", "of $20.00 / week");

        browser.driver
                .findElement(By.cssSelector("#spend-providers tr[data-name='acme'] button[data-action='edit-budget']"))
                .click();
        browser.waitVisible(By.id("f-usd")).sendKeys("5");
        new Select(browser.driver.findElement(By.id("f-period"))).selectByValue("day");
        browser.driver.findElement(By.id("form-submit")).click();
        browser.await().until(ExpectedConditions.invisibilityOfElementLocated(By.id("form-dialog")));
        assertEquals("provider", budget(1, "kind"));
        assertEquals("5", budget(1, "usd"));
        awaitText("spend-providers", "acme", "budget", "of $5.00 / day");
    }

    @Test
    void resetSpend_asksForConfirmation_thenTheBudgetStartsFromZero() throws Exception {
        traffic();
        g.close(); // the restart restores the budget from the spend file
        g = TestGateway.startFromFile(g.configFile());
        api = new AdminClient(g);
        assertEquals("0.0009", budget(0, "spent"));
        browser.driver.get(g.url("/admin"));
        By reset = By.cssSelector("#spend-keys tr[data-name='team-a'] button[data-action='reset-spend']");
        browser.waitFor(reset).click();
        WebElement text = browser.waitVisible(By.id("confirm-text"));
        assertTrue(text.getText().contains("$0.0009 this month"), text.getText());
        browser.driver.findElement(By.id("confirm-cancel")).click();
        assertEquals("0.0009", budget(0, "spent"), "cancel resets nothing");

        browser.driver.findElement(reset).click();
        browser.waitVisible(By.id("confirm-ok")).click();
        browser.await().until(d -> {
            try {
                return "0".equals(budget(0, "spent"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        awaitText("spend-keys", "team-a", "budget", "$50.00 left of $50.00 / month");
        assertEquals("$0.0009", cell("spend-keys", "team-a", "total").getText(), "the history stays");
    }
}
