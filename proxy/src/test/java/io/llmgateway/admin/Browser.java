package io.llmgateway.admin;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed by
 * {@code .ci/run}) driven over WebDriver. Tests are skipped, saying why, only when Chromium is not installed.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Skips the calling test class when Chromium is absent; CI installs it, so there they run. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: " + CHROMIUM + " and " + CHROMEDRIVER + " are not installed"
                        + " (apt-get install -y chromium chromium-driver; .ci/run does this)");
    }

    /** Starts a browser with a window of {@code width} x {@code height}, or skips the test class without one. */
    static Browser startOrSkip(int width, int height) throws Exception {
        assumeInstalled();
        return start(width, height);
    }

    static Browser start(int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("admin-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height,
                "--lang=en-US",
                "--force-device-scale-factor=1");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new Browser(driver, profile);
    }

    /** Waits up to 15 s; an element replaced while being looked at (the page rebuilds a table) is retried. */
    WebDriverWait await() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(50));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    WebElement waitFor(By by) {
        return await().until(ExpectedConditions.presenceOfElementLocated(by));
    }

    WebElement waitVisible(By by) {
        return await().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Console errors since the last call (CSP violations and script errors are SEVERE). */
    List<String> severeConsoleEntries() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            // An expected 4xx of the API is logged as a failed resource load; that is not a page error.
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()
                    && !e.getMessage().contains("Failed to load resource: the server responded with a status of 4")) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /**
     * The console errors of the page (as {@link #severeConsoleEntries}), then about:blank: a page left open would
     * poll the gateway the test closes next and log refused connections into the next test.
     */
    List<String> leavePage() {
        List<String> severe = severeConsoleEntries();
        driver.get("about:blank");
        return severe;
    }

    WebDriver webDriver() {
        return driver;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (Exception ignored) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
