package io.ddb2delta.local;

import io.ddb2delta.current.MergeCurrent;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.pipelines.Ddb2Delta;
import io.ddb2delta.pipelines.Ddb2DeltaOptions;
import io.ddb2delta.pipelines.RunSummary;
import io.ddb2delta.pipelines.StreamJob;
import io.ddb2delta.pipelines.verify.VerifyCommand;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import io.ddb2delta.tools.ExportTable;
import io.ddb2delta.tools.LoadGenerator;
import io.ddb2delta.tools.LoadLog;
import io.ddb2delta.tools.SyntheticTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The live demo that the README's first command runs: the ddb2delta job on an embedded DynamoDB
 * Local, with nothing to set up:
 *
 * <ol>
 *   <li>create the four shipped tables with their DynamoDB Streams on, and write a backfill;
 *   <li>export each table in AWS's Export to S3 layout;
 *   <li>run one pipeline, {@code --source=export,dynamodb-streams}, that loads the four exports and
 *       streams the tables' changes from TRIM_HORIZON while the load generator writes about {@code
 *       --demoRate} changes/s, until Ctrl-C or {@code --duration}.
 * </ol>
 *
 * <p>The streams hold the backfill's writes too, so the stream overlaps the exports: the overlap is
 * written and counted, not hidden. The summary reconciles the writes the load generator had
 * acknowledged with the stream records and export rows in bronze.
 */
public final class LiveDemo {
  private static final List<SyntheticTable> TABLES = Arrays.asList(SyntheticTable.values());

  /** The job's options and the demo's own. */
  public interface Options extends Ddb2DeltaOptions {
    @Description("The live demo's backfill: items written and exported before streaming starts.")
    @Default.Long(1000)
    long getDemoBackfillItems();

    void setDemoBackfillItems(long value);

    @Description("The live demo's load generator rate, in changes per second over all tables.")
    @Default.Double(200)
    double getDemoRate();

    void setDemoRate(double value);

    @Description(
        "The port of the live dashboard the demo serves at http://127.0.0.1:<port> while it runs;"
            + " 0 picks a free one, -1 serves none.")
    @Default.Integer(8080)
    int getDashboardPort();

    void setDashboardPort(int value);
  }

  private LiveDemo() {}

  public static void main(String[] args) {
    PipelineOptionsFactory.register(Options.class);
    Options options = Ddb2Delta.parse(args).as(Options.class);
    Ddb2Delta.finish(options, () -> run(options), true, LiveDemo::report);
  }

  /**
   * The demo's final reconciliation, for a person: what was written to DynamoDB, what bronze and
   * silver hold, and whether the two agree (bronze holds each backfill item twice, as its export
   * row and as its stream INSERT, and every later change once).
   */
  static String report(RunSummary summary) {
    Map<String, Long> c = summary.counters();
    long backfill = c.getOrDefault("backfill items", 0L);
    long generated = c.getOrDefault("changes generated", 0L);
    long bronze = c.getOrDefault("bronze rows added", 0L);
    long expected = 2 * backfill + generated;
    StringBuilder out = new StringBuilder(summary.description()).append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "  written to DynamoDB  %,d backfill items, then %,d changes%n",
            backfill,
            generated));
    // Counted from the table, not from the runner's metrics, which can miss the last commits.
    out.append(
        String.format(
            Locale.ROOT,
            "  in bronze            %,d rows: each backfill item twice, as its export row and as its"
                + " stream INSERT (the overlap, kept: every row names its source), and every"
                + " change once%n",
            bronze));
    StringJoiner silver = new StringJoiner(", ");
    summary
        .rowsAdded()
        .forEach(
            (table, rows) -> {
              if (table.endsWith("_silver")) {
                silver.add(String.format(Locale.ROOT, "%s %,d", table, rows));
              }
            });
    out.append("  in silver            ").append(silver).append('\n');
    out.append(String.format(Locale.ROOT, "  quarantined          %,d%n", summary.quarantined()));
    out.append(
        bronze == expected
            ? String.format(
                Locale.ROOT,
                "  reconciled           yes: 2 x %,d + %,d = %,d bronze rows%n",
                backfill,
                generated,
                expected)
            : String.format(
                Locale.ROOT,
                "  reconciled           no: %,d bronze rows, %,d expected; the run stopped before"
                    + " every change was committed%n",
                bronze,
                expected));
    Long differences = c.get("current differences");
    if (differences != null) {
      out.append(
          differences == 0
              ? "  current state        every <table>_current equals its DynamoDB table (verify: 0"
                  + " differences)\n"
              : String.format(
                  Locale.ROOT,
                  "  current state        verify found %,d differences, shown above%n",
                  differences));
    }
    out.append(String.format(Locale.ROOT, "  ran %.0f s%n", summary.wallSeconds()));
    return out.toString();
  }

  public static RunSummary run(Options options) {
    long wallStart = System.nanoTime();
    Path work;
    try {
      work = Files.createTempDirectory("ddb2delta-demo");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> tables = TABLES.stream().map(SyntheticTable::tableName).toList();
    System.out.println(
        "live demo: DynamoDB Local (embedded, 127.0.0.1 only) with tables " + tables);
    LocalDashboard dashboard = startDashboard(options);
    try (LocalDynamoDb ddb = LocalDynamoDb.start()) {
      DynamoDbClient client = ddb.dynamoDb();
      // The load generator creates the tables with their NEW_AND_OLD_IMAGES streams.
      long backfill = options.getDemoBackfillItems();
      LoadGenerator.Summary written =
          generate(
              client,
              new LoadGenerator.Config(
                  TABLES, 5_000, new LoadGenerator.Mix(100, 0, 0), 1, backfill, null),
              LoadLog.inMemory());
      System.out.println("live demo: backfill " + written.format());

      List<String> exports = new ArrayList<>();
      for (SyntheticTable t : TABLES) {
        String exportId = "demo-" + t.tableName() + "-" + System.currentTimeMillis();
        int exit =
            ExportTable.commandLine()
                .execute(
                    "--table=" + t.tableName(),
                    "--output=" + work,
                    "--segments=2",
                    "--dynamodbEndpoint=" + ddb.endpoint(),
                    "--export-id=" + exportId);
        if (exit != 0) {
          throw new IllegalStateException("exporting " + t.tableName() + " failed");
        }
        exports.add(work.resolve("AWSDynamoDB").resolve(exportId).toString());
      }

      LoadLog log = LoadLog.inMemory();
      long limitNanos = StreamJob.durationNanos(options.getDuration());
      Duration writeFor =
          limitNanos == Long.MAX_VALUE ? Duration.ofDays(365) : Duration.ofNanos(limitNanos);
      DeltaTable bronze =
          DeltaTable.forPath(DeltaTargets.pathOf(options.getDeltaRoot(), BronzeTable.NAME));
      long bronzeBefore = bronze.exists() ? bronze.numRecords() : 0;
      Thread generator =
          new Thread(
              () -> {
                try {
                  generate(
                      client,
                      new LoadGenerator.Config(
                          TABLES,
                          options.getDemoRate(),
                          new LoadGenerator.Mix(40, 45, 15),
                          2,
                          0,
                          writeFor),
                      log);
                } catch (RuntimeException e) {
                  if (!Thread.currentThread().isInterrupted()) {
                    System.err.println("live demo: load generator stopped: " + e);
                  }
                }
              },
              "ddb2delta-demo-load");
      generator.setDaemon(true);
      generator.start();
      System.out.printf(
          Locale.ROOT,
          "live demo: one pipeline loads the 4 exports and streams the tables' changes into %s"
              + " while the load generator writes %.0f changes/s; %s%n",
          options.getDeltaRoot(),
          options.getDemoRate(),
          options.getDuration().isBlank()
              ? "Ctrl-C stops"
              : "writes stop after "
                  + options.getDuration()
                  + ", then the job stops once every change is committed");

      Ddb2DeltaOptions run = copy(options);
      run.setExportPath(String.join(",", exports));
      run.setTableName(String.join(",", tables));
      run.setDynamodbEndpoint(ddb.endpoint().toString());
      // After the writes stop, drain: stop once bronze holds every change (or a minute later).
      run.setDuration(limitNanos == Long.MAX_VALUE ? "" : (limitNanos / 1_000_000_000L + 60) + "s");
      // Bronze ends with each backfill item twice (its export row and its stream INSERT) and every
      // generated change once; then the current tables merge what bronze holds.
      List<TableMapping> mappings = tables.stream().map(TableMapping::shipped).toList();
      RunSummary summary =
          Ddb2Delta.run(
              run,
              () ->
                  !generator.isAlive()
                      && bronze.numRecords() - bronzeBefore >= 2 * written.total() + log.total()
                      && (!run.getCurrent()
                          || MergeCurrent.followsBronze(run.getDeltaRoot(), mappings)));
      generator.interrupt();
      Map<String, Long> counters = new LinkedHashMap<>(summary.counters());
      if (run.getCurrent() && limitNanos != Long.MAX_VALUE) {
        System.out.println("live demo: verify compares each <table>_current with DynamoDB");
        counters.put(
            "current differences",
            VerifyCommand.differences(
                System.out,
                "--deltaRoot=" + run.getDeltaRoot(),
                "--tables=" + String.join(",", tables),
                "--dynamodbEndpoint=" + ddb.endpoint()));
      }
      counters.put("backfill items", written.total());
      counters.put("changes generated", log.total());
      counters.put("bronze rows added", bronze.numRecords() - bronzeBefore);
      return new RunSummary(
          String.format(
              Locale.ROOT,
              "live demo: %d exports and the DynamoDB Streams of %s -> %s",
              exports.size(),
              tables,
              options.getDeltaRoot()),
          summary.recordsRead(),
          summary.rowsAdded(),
          summary.quarantineTable(),
          false,
          (System.nanoTime() - wallStart) / 1e9,
          Ddb2Delta.processCpuNanos() / 1e9,
          RunSummary.readPeakRssBytes(),
          counters);
    } catch (Exception e) {
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("live demo failed", e);
    } finally {
      if (dashboard != null) {
        dashboard.close();
      }
      deleteQuietly(work);
    }
  }

  /**
   * The live dashboard over the demo's lake, in its own JVM; a dashboard that cannot start (its
   * port taken, its module not built) is reported and the demo goes on without it.
   */
  private static LocalDashboard startDashboard(Options options) {
    if (options.getDashboardPort() < 0) {
      return null;
    }
    try {
      LocalDashboard d =
          LocalDashboard.start(
              Path.of(options.getDeltaRoot()), List.of("--port=" + options.getDashboardPort()));
      System.out.println(
          "live demo: dashboards at "
              + d.url()
              + "/ (Order Monitoring, Business Intelligence, Operational Monitoring; numbers move"
              + " as the changes are committed)");
      return d;
    } catch (RuntimeException e) {
      System.err.println("live demo: no dashboard: " + e.getMessage());
      return null;
    }
  }

  private static LoadGenerator.Summary generate(
      DynamoDbClient client, LoadGenerator.Config config, LoadLog log) {
    try {
      return new LoadGenerator(client, config, log).run(s -> {}, Duration.ofHours(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Ddb2DeltaOptions copy(Ddb2DeltaOptions options) {
    List<String> args = new ArrayList<>();
    // Parsed with the run's sources, which choose the runner's defaults.
    args.add("--source=export,dynamodb-streams");
    args.add("--deltaRoot=" + options.getDeltaRoot());
    args.add("--targetFileSizeMb=" + options.getTargetFileSizeMb());
    args.add("--progressIntervalSeconds=" + options.getProgressIntervalSeconds());
    args.add("--commitIntervalSeconds=" + options.getCommitIntervalSeconds());
    args.add("--dedupHorizonSeconds=" + options.getDedupHorizonSeconds());
    args.add("--idleWatermarkSeconds=" + options.getIdleWatermarkSeconds());
    args.add("--duration=" + options.getDuration());
    args.add("--runner=" + options.getRunner().getSimpleName());
    return Ddb2Delta.parse(args.toArray(String[]::new));
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder; the OS cleans it eventually
    }
  }
}
