package io.llmgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.observe.AttemptRecord;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;

/**
 * Renders the page for the README's screenshot ({@code docs/admin.png}): three providers, three models,
 * real traffic through the gateway (counters, learned upstream limits, a provider whose circuit opened,
 * failovers, errors) and, for the five-minute chart and percentiles, earlier traffic back-filled through
 * the same observer interface the gateway reports to.
 *
 * <p>Always writes {@code target/admin-screenshot.png}; run with
 * {@code -Dadmin.screenshot=../docs/admin.png} to refresh the README's copy.
 */
@Tag("browser")
class AdminScreenshotTest {
    private static final String[] PROMPTS = {"Summarise this ticket", "Translate to German", "Write a haiku"};

    @Test
    void screenshot_realisticGateway() throws Exception {
        Browser.assumeInstalled();
        try (MockUpstream openai = MockUpstream.start();
                MockUpstream azure = MockUpstream.start();
                MockUpstream groq = MockUpstream.start()) {
            openai.setDefault(Behaviour.chatCompletion("Sure, here it is.", 180, 120)
                    .withDelay(Duration.ofMillis(35))
                    .withHeader("x-ratelimit-limit-requests", "5000")
                    .withHeader("x-ratelimit-remaining-requests", "4962")
                    .withHeader("x-ratelimit-limit-tokens", "800000")
                    .withHeader("x-ratelimit-remaining-tokens", "771400"));
            azure.setDefault(Behaviour.chatCompletion("Done.", 150, 90).withDelay(Duration.ofMillis(60)));
            groq.setDefault(Behaviour.error(503, "server_error", "The model is overloaded. Please try again later."));
            String yaml = """
                    api_provider:
                      openai:
                        base_url: %s
                        api_key: ${OPENAI_API_KEY:-sk-demo-openai}
                        limits: {rpm: 500, tpm: 200000, rpd: 10000, tpr: 16000}
                      azure:
                        base_url: %s
                        api_key: ${AZURE_OPENAI_KEY:-sk-demo-azure}
                        limits: {rpm: 60, tpm: 40000, rpd: 2000}
                      groq:
                        base_url: %s
                        api_key: ${GROQ_API_KEY:-sk-demo-groq}
                        limits: {rpm: 30, tpm: 6000}
                    model_config:
                      gpt-4o:
                        openai:
                          alias: gpt-4o-2024-08-06
                        azure:
                          alias: gpt-4o
                      gpt-4o-mini:
                        strategy: headroom
                        openai: {}
                        azure:
                          alias: gpt-4o-mini
                        groq:
                          alias: llama-3.1-8b-instant
                          enable: false
                      llama-3.3-70b:
                        groq:
                          alias: llama-3.3-70b-versatile
                        azure:
                          alias: Meta-Llama-3.3-70B-Instruct
                    """.formatted(openai.baseUrl(), azure.baseUrl(), groq.baseUrl());
            Path dir = Files.createTempDirectory("admin-screenshot-");
            try (TestGateway g = TestGateway.startFromFile(dir, yaml);
                    Browser browser = Browser.start(1440, 1760)) {
                backfill(g);
                traffic(g);
                AdminClient api = new AdminClient(g);
                api.post("/api/health-check", "{\"provider\":\"openai\",\"model\":\"gpt-4o\"}");
                api.post("/api/health-check", "{\"provider\":\"azure\",\"model\":\"gpt-4o\"}");
                api.post("/api/health-check", "{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\"}");
                api.post("/api/health-check", "{\"provider\":\"groq\",\"model\":\"llama-3.3-70b\"}");

                browser.driver.get(g.url("/admin"));
                browser.waitFor(By.cssSelector("[data-model='llama-3.3-70b'] tr[data-provider='groq']"));
                browser.await()
                        .until(d -> !browser.driver
                                .findElements(By.cssSelector("#errors li"))
                                .isEmpty());
                Thread.sleep(300); // let the chart settle at its final width
                byte[] png = browser.driver.getScreenshotAs(OutputType.BYTES);
                Path target = Path.of("target", "admin-screenshot.png");
                Files.createDirectories(target.getParent());
                Files.write(target, png);
                String out = System.getProperty("admin.screenshot");
                if (out != null && !out.isBlank()) {
                    Files.createDirectories(Path.of(out).toAbsolutePath().getParent());
                    Files.write(Path.of(out), png);
                }
                assertTrue(png.length > 20_000, "a real picture");
                assertEquals(List.of(), browser.severeConsoleEntries());
            } finally {
                Files.deleteIfExists(dir.resolve("config.yaml"));
                Files.deleteIfExists(dir);
            }
        }
    }

    /** Real requests: counters, learned limits, a failing provider whose circuit opens, failovers, errors. */
    private static void traffic(TestGateway g) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 42; i++) {
                String model = i % 3 == 0 ? "gpt-4o-mini" : "gpt-4o";
                String prompt = PROMPTS[i % PROMPTS.length];
                all.add(pool.submit(() -> g.post(
                        "/v1/chat/completions",
                        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                                + "\"}]}")));
            }
            for (int i = 0; i < 5; i++) {
                all.add(pool.submit(() -> g.post(
                        "/v1/chat/completions",
                        "{\"model\":\"llama-3.3-70b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")));
            }
            for (Future<?> f : all) {
                f.get();
            }
            g.post("/v1/chat/completions", "{\"model\":\"gpt-5-preview\",\"messages\":[]}");
        } finally {
            pool.shutdown();
        }
    }

    /** Four and a half minutes of earlier traffic, so the chart and percentiles have a history. */
    private static void backfill(TestGateway g) {
        Random random = new Random(7);
        long now = System.currentTimeMillis();
        for (int s = 280; s > 1; s--) {
            double rate = 4 + 2.5 * Math.sin(s / 38.0) + (s < 150 && s > 110 ? 4 : 0);
            int n = (int) Math.max(0, Math.round(rate + random.nextGaussian()));
            for (int i = 0; i < n; i++) {
                boolean mini = random.nextInt(3) == 0;
                String model = mini ? "gpt-4o-mini" : "gpt-4o";
                boolean viaAzure = random.nextInt(5) == 0;
                long ms = (long) (Math.exp(random.nextGaussian() * 0.45) * (viaAzure ? 900 : 620));
                List<AttemptRecord> attempts = new ArrayList<>();
                boolean failed = random.nextInt(60) == 0;
                if (random.nextInt(40) == 0) {
                    attempts.add(new AttemptRecord("openai", model, "timeout", 0, 3000));
                    viaAzure = true;
                }
                String provider = viaAzure ? "azure" : "openai";
                attempts.add(
                        new AttemptRecord(provider, model, failed ? "server_error" : "ok", failed ? 500 : 200, ms));
                long start = now - s * 1000L - random.nextInt(1000);
                g.gateway()
                        .observers()
                        .onComplete(new RequestRecord(
                                start,
                                "req_backfill_" + s + "_" + i,
                                null,
                                "/chat/completions",
                                model,
                                model,
                                provider,
                                attempts,
                                failed ? 502 : 200,
                                random.nextBoolean(),
                                ms / 3,
                                ms,
                                180,
                                120,
                                300,
                                false,
                                failed ? "upstream_error" : null,
                                failed ? provider + " answered 500" : null));
            }
        }
    }
}
