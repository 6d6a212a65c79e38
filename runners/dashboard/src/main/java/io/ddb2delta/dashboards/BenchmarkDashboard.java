package io.ddb2delta.dashboards;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The dashboard refresh benchmark: refreshes each dashboard over a lake, every widget's query, as
 * the page's poll does, and prints per dashboard the p50, p95 and maximum refresh time, then the
 * process's CPU and peak RSS. The first refreshes (Spark's JIT and caches warming) are left out.
 */
@Command(name = "benchmark-dashboard", mixinStandardHelpOptions = true)
public final class BenchmarkDashboard implements Callable<Integer> {
  @Option(names = "--deltaRoot", required = true)
  Path deltaRoot;

  @Option(names = "--dashboards")
  Path dashboards;

  @Option(
      names = "--refreshes",
      defaultValue = "20",
      description = "Measured refreshes per dashboard.")
  int refreshes;

  @Option(names = "--warmup", defaultValue = "3")
  int warmup;

  @Option(
      names = "--pauseMillis",
      defaultValue = "1000",
      description = "Between refreshes, as a page polls.")
  long pauseMillis;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchmarkDashboard()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<Dashboard> all =
        Dashboard.loadAll(dashboards != null ? dashboards : Dashboard.defaultRoot());
    try (Lake lake = Lake.open(deltaRoot)) {
      DashboardService service = new DashboardService(lake, all, 0);
      for (Dashboard d : all) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < warmup + refreshes; i++) {
          DashboardService.Refresh r = service.refresh(d.name());
          if (i >= warmup) {
            millis.add(r.millis());
          }
          for (DashboardService.WidgetResult w : r.widgets()) {
            if (w.error() != null) {
              System.err.println(d.name() + "/" + w.name() + ": " + w.error());
            }
          }
          Thread.sleep(pauseMillis);
        }
        millis.sort(null);
        System.out.printf(
            Locale.ROOT,
            "%-24s %d widgets  refresh p50 %,d ms  p95 %,d ms  max %,d ms  (%d refreshes)%n",
            d.name(),
            d.widgets().size(),
            millis.get(millis.size() / 2),
            millis.get((int) Math.ceil(millis.size() * 0.95) - 1),
            millis.get(millis.size() - 1),
            millis.size());
      }
    }
    long cpu =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    System.out.printf(Locale.ROOT, "process CPU %.1f s, peak RSS %s%n", cpu / 1e9, peakRss());
    return 0;
  }

  private static String peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return line.substring("VmHWM:".length()).strip();
        }
      }
    } catch (java.io.IOException e) {
      // not Linux
    }
    return "unknown";
  }
}
