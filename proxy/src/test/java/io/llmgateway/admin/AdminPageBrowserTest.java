package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.MockUpstream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** The admin page in a real headless Chromium: what a user sees and clicks, checked through the API. */
@Tag("browser")
class AdminPageBrowserTest {
    private static final String SCRIPT_MODEL = "<script>alert(1)</script>";
    private static final String IMG_ALIAS = "<img src=x onerror=\"window.pwned=1\">";

    private static Browser browser;

    private MockUpstream acme;
    private MockUpstream beta;
    private TestGateway g;
    private AdminClient api;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.startOrSkip(1440, 1000);
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
        beta = MockUpstream.start();
        g = TestGateway.start(config(""));
        api = new AdminClient(g);
    }

    private String config(String extra) {
        return extra + """
                api_provider:
                  acme:
                    base_url: %s
                    api_key: sk-browser-test-key
                    limits: {rpm: 60, tpm: 100000}
                  beta:
                    base_url: %s
                model_config:
                  gpt-4o:
                    acme:
                      alias: acme-4o
                    beta: {}
                  "%s":
                    beta:
                      alias: '%s'
                """.formatted(acme.baseUrl(), beta.baseUrl(), SCRIPT_MODEL, IMG_ALIAS);
    }

    @AfterEach
    void stop() {
        List<String> severe = browser == null ? List.of() : browser.leavePage();
        if (g != null) {
            g.close();
        }
        acme.close();
        beta.close();
        assertEquals(List.of(), severe, "no script error and no CSP violation in the console");
    }

    private void open() {
        browser.driver.get(g.url("/admin"));
        browser.waitFor(By.cssSelector("[data-model='gpt-4o'] tr[data-provider='acme']"));
    }

    private WebElement row(String model, String provider) {
        return browser.driver.findElement(
                By.cssSelector("[data-model='" + model + "'] tr[data-provider='" + provider + "']"));
    }

    private WebElement gpt4oRow(String provider) {
        return row("gpt-4o", provider);
    }

    @Test
    void page_showsEveryModelWithItsProvidersInPriorityOrder() throws Exception {
        open();
        List<String> routes =
                browser.driver.findElements(By.cssSelector("[data-model='gpt-4o'] [data-role='route-name']")).stream()
                        .map(WebElement::getText)
                        .toList();
        assertEquals(List.of("acme-4o@acme", "gpt-4o@beta"), routes);
        assertEquals(
                "closed",
                gpt4oRow("acme")
                        .findElement(By.cssSelector("[data-role='circuit']"))
                        .getText());
        assertEquals(
                2,
                browser.driver
                        .findElements(By.cssSelector("#providers tbody tr"))
                        .size());
        assertEquals(
                "•••• set",
                browser.driver
                        .findElement(By.cssSelector("#providers tr[data-provider='acme'] [data-role='key']"))
                        .getText());
        assertFalse(browser.driver.getPageSource().contains("sk-browser-test-key"));
        assertEquals(
                "counters: this instance",
                browser.driver.findElement(By.id("counters-badge")).getText(),
                "the page says whether rate-limit counters are shared");
    }

    @Test
    void page_refreshesLiveWithoutReload() throws Exception {
        open();
        browser.driver.executeScript("window.sameDocument = true;");
        g.post("/v1/chat/completions", CHAT);
        g.post("/v1/chat/completions", CHAT);
        browser.await()
                .until(d -> gpt4oRow("acme")
                        .findElement(By.cssSelector("[data-kind='rpm']"))
                        .getText()
                        .startsWith("2 / 60"));
        browser.await().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#requests tbody tr"), 2));
        assertEquals(true, browser.driver.executeScript("return window.sameDocument === true;"), "no page reload");
    }

    @Test
    void toggle_disablesTheRoute() throws Exception {
        open();
        WebElement toggle = gpt4oRow("acme").findElement(By.cssSelector("input[data-action='toggle']"));
        assertTrue(toggle.isSelected());
        toggle.click();
        browser.await().until(d -> "false".equals(enableOf("gpt-4o", 0)));
        assertEquals(false, at(api.get("/api/status"), "models", 0, "routes", 0, "enabled"));
        browser.await().until(d -> gpt4oRow("acme").getAttribute("class").contains("disabled"));
        assertFalse(gpt4oRow("acme")
                .findElement(By.cssSelector("input[data-action='toggle']"))
                .isSelected());
    }

    private String enableOf(String model, int route) {
        try {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> models = (List<Map<String, Object>>) at(api.get("/api/config"), "models");
            for (Map<String, Object> m : models) {
                if (model.equals(m.get("name"))) {
                    return (String) ((Map<?, ?>) ((List<?>) m.get("routes")).get(route)).get("enable");
                }
            }
            return null;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void reorder_moveDownButton_changesPriority() throws Exception {
        open();
        gpt4oRow("acme")
                .findElement(By.cssSelector("button[data-action='down']"))
                .click();
        browser.await().until(d -> {
            try {
                return "beta".equals(at(api.get("/api/config"), "models", 0, "routes", 0, "provider"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        browser.await()
                .until(d -> browser.driver
                        .findElements(By.cssSelector("[data-model='gpt-4o'] tbody tr"))
                        .get(0)
                        .getAttribute("data-provider")
                        .equals("beta"));
        assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
        assertEquals(1, beta.requests().size(), "the new first provider answers");
    }

    @Test
    void healthCheck_buttonShowsStatusAndLatency() throws Exception {
        open();
        gpt4oRow("acme")
                .findElement(By.cssSelector("button[data-action='check']"))
                .click();
        WebElement result = gpt4oRow("acme").findElement(By.cssSelector("[data-role='health-result']"));
        browser.await().until(d -> result.getText().matches("✓ 200 · \\d+ ms"));
        assertEquals(true, at(api.get("/api/status"), "models", 0, "routes", 0, "health", "ok"));
        assertTrue(acme.requests().get(0).body().contains("\"max_tokens\":1"));
    }

    @Test
    void resetAll_asksForConfirmation_thenResets() throws Exception {
        g.post("/v1/chat/completions", CHAT);
        g.post("/v1/chat/completions", CHAT);
        open();
        browser.driver.findElement(By.id("reset-all")).click();
        browser.waitVisible(By.id("confirm-dialog"));
        browser.driver.findElement(By.id("confirm-cancel")).click();
        assertEquals(2L, ((Map<?, ?>) api.provider("acme").get("usage")).get("rpm"), "cancel resets nothing");

        browser.driver.findElement(By.id("reset-all")).click();
        browser.waitVisible(By.id("confirm-ok")).click();
        browser.await().until(d -> {
            try {
                return ((Map<?, ?>) api.provider("acme").get("usage"))
                        .get("rpm")
                        .equals(0L);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        browser.await()
                .until(d -> gpt4oRow("acme")
                        .findElement(By.cssSelector("[data-kind='rpm']"))
                        .getText()
                        .startsWith("0 / 60"));
    }

    @Test
    void scriptModelName_isRenderedAsText() throws Exception {
        open();
        WebElement model = browser.driver.findElements(By.cssSelector(".model")).stream()
                .filter(m -> SCRIPT_MODEL.equals(m.getAttribute("data-model")))
                .findFirst()
                .orElseThrow();
        assertEquals(
                SCRIPT_MODEL,
                model.findElement(By.cssSelector("[data-role='model-name']")).getText());
        assertEquals(
                IMG_ALIAS + "@beta",
                model.findElement(By.cssSelector("[data-role='route-name']")).getDomProperty("textContent"));
        assertEquals(
                0L, browser.driver.executeScript("return document.querySelectorAll('main script, main img').length;"));
        assertNull(browser.driver.executeScript("return window.pwned;"));
        try {
            browser.driver.switchTo().alert();
            throw new AssertionError("an alert opened");
        } catch (NoAlertPresentException expected) {
            // the name stayed text
        }
    }

    @Test
    void editProvider_rejectedChangeShowsTheProblem_validOneIsSaved() throws Exception {
        open();
        browser.driver
                .findElement(By.cssSelector("#providers tr[data-provider='acme'] button[data-action='edit-provider']"))
                .click();
        WebElement rpm = browser.waitVisible(By.id("f-rpm"));
        assertEquals("60", rpm.getAttribute("value"));
        assertEquals("", browser.driver.findElement(By.id("f-api_key")).getAttribute("value"), "the key is write-only");
        rpm.clear();
        rpm.sendKeys("ten");
        browser.driver.findElement(By.id("form-submit")).click();
        WebElement error = browser.waitVisible(By.id("form-error"));
        assertTrue(
                error.getText().contains("api_provider.acme.limits.rpm: expected a positive integer, got \"ten\""),
                error.getText());
        assertEquals(60L, ((Map<?, ?>) api.provider("acme").get("limits")).get("rpm"), "nothing changed");
        rpm.clear();
        rpm.sendKeys("120");
        browser.driver.findElement(By.id("form-submit")).click();
        browser.await().until(ExpectedConditions.invisibilityOfElementLocated(By.id("form-dialog")));
        assertEquals(120L, ((Map<?, ?>) api.provider("acme").get("limits")).get("rpm"));
        assertFalse(browser.driver.getPageSource().contains("sk-browser-test-key"));
    }

    @Test
    void editProvider_api_showsOnlyItsOptions_andTheRowNamesIt() throws Exception {
        open();
        WebElement acmeRow = browser.driver.findElement(By.cssSelector("#providers tr[data-provider='acme']"));
        assertEquals(
                "openai",
                acmeRow.findElement(By.cssSelector("[data-role='api']")).getText());
        acmeRow.findElement(By.cssSelector("button[data-action='edit-provider']"))
                .click();
        WebElement apiSelect = browser.waitVisible(By.id("f-api"));
        assertFalse(browser.driver.findElement(By.id("f-api_version")).isDisplayed(), "an azure option for openai");

        new Select(apiSelect).selectByValue("azure");
        WebElement version = browser.waitVisible(By.id("f-api_version"));
        assertFalse(browser.driver.findElement(By.id("f-anthropic_version")).isDisplayed());
        version.sendKeys("v1");
        browser.driver.findElement(By.id("form-submit")).click();
        browser.await().until(ExpectedConditions.invisibilityOfElementLocated(By.id("form-dialog")));

        assertEquals("azure", api.provider("acme").get("api"));
        assertEquals("v1", g.gateway().config().providers().get("acme").apiVersion());
        browser.await()
                .until(ExpectedConditions.textToBe(
                        By.cssSelector("#providers tr[data-provider='acme'] [data-role='api']"), "azure"));
    }

    @Test
    void addModel_throughTheDialog() throws Exception {
        open();
        browser.driver.findElement(By.id("add-model")).click();
        browser.waitVisible(By.id("f-model")).sendKeys("o3-mini");
        browser.driver.findElement(By.id("f-alias")).sendKeys("o3-mini-2025");
        browser.driver.findElement(By.id("form-submit")).click();
        browser.waitFor(By.cssSelector("[data-model='o3-mini']"));
        assertTrue(g.get("/v1/models").body().contains("\"o3-mini\""));
    }

    @Test
    void login_withToken_setsAnInvisibleCookie() throws Exception {
        // Off the page first: a page left polling the gateway closed here would log refused connections.
        browser.driver.get("about:blank");
        g.close();
        g = TestGateway.start(config("admin:\n  token: browser-admin-token\n"));
        browser.driver.get(g.url("/admin"));
        WebElement token = browser.waitVisible(By.id("token"));
        token.sendKeys("wrong");
        browser.driver.findElement(By.id("login-submit")).click();
        assertEquals(
                "Wrong admin token.", browser.waitVisible(By.id("login-error")).getText());
        token.clear();
        token.sendKeys("browser-admin-token");
        browser.driver.findElement(By.id("login-submit")).click();
        browser.waitFor(By.cssSelector("[data-model='gpt-4o'] tr[data-provider='acme']"));
        assertEquals("", browser.driver.executeScript("return document.cookie;"), "HttpOnly: scripts cannot read it");
        assertTrue(browser.driver.findElement(By.id("logout")).isDisplayed());
        browser.driver.findElement(By.id("logout")).click();
        browser.waitVisible(By.id("token"));
    }
}
