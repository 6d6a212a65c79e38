package io.ddb2delta.dashboards;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a dashboard's widget queries over the lake and keeps the result for {@code minAgeMillis}, so
 * that many browsers polling one dashboard cost one refresh. A widget whose query fails reports its
 * error and leaves the others standing.
 */
public final class DashboardService {
  /** Seconds without a commit after which a table is STALE: the freshness SLO of the README. */
  public static final long FRESHNESS_SLO_SECONDS = 60;

  private final Lake lake;
  private final List<Dashboard> dashboards;
  private final long minAgeMillis;

  /** The tables the widgets read, which the lake holds in memory between their versions. */
  private final java.util.Set<String> readTables;

  private final Map<String, Refresh> last = new LinkedHashMap<>();
  private final java.util.concurrent.ExecutorService pool =
      java.util.concurrent.Executors.newFixedThreadPool(
          3,
          r -> {
            Thread t = new Thread(r, "dashboard-query");
            t.setDaemon(true);
            return t;
          });

  public DashboardService(Lake lake, List<Dashboard> dashboards, long minAgeMillis) {
    this.lake = lake;
    this.dashboards = List.copyOf(dashboards);
    this.minAgeMillis = minAgeMillis;
    java.util.Set<String> read = new java.util.HashSet<>();
    for (Dashboard d : dashboards) {
      for (WidgetSql w : d.widgets()) {
        read.addAll(w.tables());
      }
    }
    read.add("pipeline_health");
    this.readTables = java.util.Set.copyOf(read);
  }

  public List<Dashboard> dashboards() {
    return dashboards;
  }

  public Optional<Dashboard> dashboard(String name) {
    return dashboards.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  /** One widget's rows, or its error, and how long its query took. */
  public record WidgetResult(
      String name,
      String title,
      String widget,
      Map<String, String> fields,
      String description,
      List<String> columns,
      List<List<Object>> rows,
      String error,
      long millis) {}

  /**
   * A refresh of a dashboard: when, how long, each widget, and the lake's freshness (seconds since
   * the newest commit in pipeline_health, or -1 when there is none).
   */
  public record Refresh(
      String dashboard,
      String title,
      String refreshedAt,
      long millis,
      long freshnessSeconds,
      long freshnessSloSeconds,
      List<WidgetResult> widgets) {}

  public synchronized Refresh refresh(String name) {
    Dashboard d =
        dashboard(name).orElseThrow(() -> new IllegalArgumentException("no dashboard " + name));
    Refresh previous = last.get(name);
    long now = System.currentTimeMillis();
    if (previous != null
        && now - Instant.parse(previous.refreshedAt()).toEpochMilli() < minAgeMillis) {
      return previous;
    }
    long started = System.nanoTime();
    List<String> tables = lake.refreshViews(readTables);
    // The widgets' queries run side by side: each is mostly Delta log reads and small scans.
    List<java.util.concurrent.Future<WidgetResult>> running = new ArrayList<>();
    for (WidgetSql w : d.widgets()) {
      running.add(pool.submit(() -> run(w)));
    }
    List<WidgetResult> widgets = new ArrayList<>();
    for (java.util.concurrent.Future<WidgetResult> f : running) {
      try {
        widgets.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    long freshness = -1;
    if (tables.contains("pipeline_health")) {
      try {
        Object v =
            lake.query(
                    "SELECT unix_timestamp(current_timestamp()) - unix_timestamp(max(committed_at))"
                        + " FROM pipeline_health")
                .rows()
                .get(0)
                .get(0);
        freshness = v == null ? -1 : ((Number) v).longValue();
      } catch (RuntimeException e) {
        freshness = -1;
      }
    }
    Refresh r =
        new Refresh(
            d.name(),
            d.title(),
            Instant.ofEpochMilli(now).toString(),
            (System.nanoTime() - started) / 1_000_000,
            freshness,
            FRESHNESS_SLO_SECONDS,
            widgets);
    last.put(name, r);
    return r;
  }

  private WidgetResult run(WidgetSql w) {
    long t0 = System.nanoTime();
    List<String> columns = List.of();
    List<List<Object>> rows = List.of();
    String error = null;
    try {
      Lake.Result r = lake.query(w.sql());
      columns = r.columns();
      rows = r.rows();
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes.
      error = firstLine(e);
    }
    return new WidgetResult(
        w.name(),
        w.title(),
        w.widget(),
        w.fields(),
        w.description(),
        columns,
        rows,
        error,
        (System.nanoTime() - t0) / 1_000_000);
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
  }
}
