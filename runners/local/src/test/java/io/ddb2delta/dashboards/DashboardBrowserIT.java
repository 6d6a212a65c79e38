package io.ddb2delta.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.export.ExportFormat;
import io.ddb2delta.local.LiveDemo;
import io.ddb2delta.local.LocalDashboard;
import io.ddb2delta.testing.JobRuns;
import io.ddb2delta.tools.ExportType;
import io.ddb2delta.tools.ExportWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The local dashboard in Debian's headless Chromium, over the lake of a short live demo (plus an
 * export of bad lines, so that quarantine has rows): every dashboard loads, every widget shows
 * data, a number moves when more records are written, and each page is saved as a screenshot under
 * {@code target/screenshots/}.
 */
class DashboardBrowserIT {
  private static final Map<String, Integer> WIDGETS =
      Map.of("order_monitoring", 5, "business_intelligence", 4, "operational_monitoring", 4);

  @TempDir Path tmp;

  @Test
  void everyDashboardShowsDataAndANumberMovesWhenRecordsAreWritten() throws IOException {
    Path lake = tmp.resolve("lake");
    PipelineOptionsFactory.register(LiveDemo.Options.class);
    LiveDemo.run(
        PipelineOptionsFactory.fromArgs(
                "--deltaRoot=" + lake,
                "--duration=15s",
                "--demoBackfillItems=200",
                "--dashboardPort=-1",
                "--progressIntervalSeconds=0")
            .as(LiveDemo.Options.class));
    loadBadLines(lake, "01700000000000-browser1");

    Path screenshots = Path.of("target", "screenshots");
    Files.createDirectories(screenshots);
    try (LocalDashboard dashboard =
        LocalDashboard.start(lake, List.of("--port=0", "--refreshSeconds=1"))) {
      ChromeDriver browser = chrome();
      try {
        for (Map.Entry<String, Integer> d : WIDGETS.entrySet()) {
          browser.get(dashboard.url() + "/d/" + d.getKey());
          List<WebElement> cards = awaitWidgets(browser, d.getValue());
          for (WebElement card : cards) {
            assertThat(card.getAttribute("class"))
                .as("widget %s in %s", card.getAttribute("id"), d.getKey())
                .doesNotContain("error")
                .doesNotContain("empty");
            assertThat(Integer.parseInt(card.getAttribute("data-rows"))).isPositive();
          }
          Files.write(
              screenshots.resolve(d.getKey() + ".png"),
              ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }

        // More bad records: the quarantine widget's bars grow on the open page.
        browser.get(dashboard.url() + "/d/operational_monitoring");
        awaitWidgets(browser, 4);
        String before = quarantine(browser).getAttribute("data-value");
        loadBadLines(lake, "01700000000000-browser2");
        String after =
            new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(
                    b -> {
                      String v = quarantine(browser).getAttribute("data-value");
                      return v != null && !v.equals(before) ? v : null;
                    });
        assertThat(after).isNotEqualTo(before);
        assertThat(browser.findElement(By.id("updated")).getText()).doesNotContain("failed");
      } finally {
        browser.quit();
      }
    }
  }

  private static WebElement quarantine(ChromeDriver browser) {
    return browser.findElement(By.id("w-04_quarantine"));
  }

  /** Waits until the page has refreshed and drawn all its widgets with rows. */
  private static List<WebElement> awaitWidgets(ChromeDriver browser, int count) {
    return new WebDriverWait(browser, Duration.ofSeconds(90))
        .until(
            b -> {
              List<WebElement> cards = b.findElements(By.cssSelector("section.card"));
              boolean drawn =
                  cards.size() == count
                      && cards.stream()
                          .allMatch(
                              c ->
                                  c.getAttribute("data-rows") != null
                                      && !c.getAttribute("data-rows").equals("0"));
              return drawn ? cards : null;
            });
  }

  private static ChromeDriver chrome() {
    File chromedriver = new File("/usr/bin/chromedriver");
    assertThat(chromedriver)
        .as(
            "Debian's chromium-driver, which .ci/run installs (apt-get install chromium chromium-driver)")
        .exists();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1600");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(chromedriver).build();
    return new ChromeDriver(service, options);
  }

  /** Loads an export of the orders table whose lines all fail, into quarantine. */
  private void loadBadLines(Path lake, String exportId) throws IOException {
    List<String> bad;
    try (InputStream in = getClass().getResourceAsStream("/export-lines/bad-lines.jsonl")) {
      bad = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    ExportWriter.Export export =
        ExportWriter.write(
            tmp.resolve("exports"),
            new ExportWriter.Description(
                "orders",
                "tbl-0001",
                exportId,
                ExportFormat.DYNAMODB_JSON,
                ExportType.FULL,
                Instant.parse("2026-12-01T00:00:00Z"),
                null),
            List.of(bad));
    JobRuns.run(
        List.of(
            "--source=export", "--exportPath=" + export.directory() + "/", "--deltaRoot=" + lake));
  }
}
