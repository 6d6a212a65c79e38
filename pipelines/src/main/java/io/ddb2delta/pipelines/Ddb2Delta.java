package io.ddb2delta.pipelines;

import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.mapping.TableMappings;
import io.ddb2delta.pipelines.export.ExportManifest;
import io.ddb2delta.pipelines.export.LoadExport;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * The ddb2delta job: {@code main} parses options and calls {@link #run}, which builds and runs the
 * graph and returns what it did.
 *
 * <p>Stages of an export load: read the manifests; create or check the Delta tables (a table it
 * cannot write fails here, before any data is read); spread the data files over workers, which
 * decode, type and write Parquet for bronze, silver and quarantine; reconcile every file's counts
 * against the manifest; commit each table once with the export's transaction id.
 */
public final class Ddb2Delta {

  private Ddb2Delta() {}

  public static void main(String[] args) {
    Ddb2DeltaOptions options = parse(args);
    RunSummary summary;
    try {
      summary = run(options);
    } catch (RuntimeException e) {
      // Printed here: under `mvn exec:java` an AWS exception's message cannot be rendered once
      // the job's class loader is gone, which hides the reason.
      System.err.println("ddb2delta failed: " + e);
      e.printStackTrace();
      System.exit(1);
      return;
    }
    System.out.print(summary.render());
    if (!options.getSummaryFile().isBlank()) {
      try {
        java.nio.file.Files.writeString(Path.of(options.getSummaryFile()), summary.toJson());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    if (!"export".equals(options.getSource())) {
      // A cancelled streaming read can leave non-daemon reader threads behind (KinesisIO's
      // among them); the run is over and committed, so the process ends here.
      System.exit(0);
    }
  }

  /**
   * Parses arguments. On the DirectRunner the immutability and encodability checks cost about 3x,
   * so real runs turn them off unless asked; tests keep them on by building options themselves.
   */
  public static Ddb2DeltaOptions parse(String[] args) {
    PipelineOptionsFactory.register(Ddb2DeltaOptions.class);
    Ddb2DeltaOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(Ddb2DeltaOptions.class);
    if (options.getRunner() == DirectRunner.class) {
      DirectOptions direct = options.as(DirectOptions.class);
      if (Arrays.stream(args).noneMatch(a -> a.startsWith("--enforceImmutability"))) {
        direct.setEnforceImmutability(false);
      }
      if (Arrays.stream(args).noneMatch(a -> a.startsWith("--enforceEncodability"))) {
        direct.setEnforceEncodability(false);
      }
    }
    return options;
  }

  public static RunSummary run(Ddb2DeltaOptions options) {
    FileSystems.setDefaultPipelineOptions(options);
    if ("demo".equals(options.getSource()) && !options.getExportPath().isBlank()) {
      // The demo is only the no-argument default: an export path asks for an export load.
      options.setSource("export");
    }
    return switch (options.getSource()) {
      case "export" -> runExport(options);
      case "kinesis", "dynamodb-streams" -> StreamJob.run(options);
      case "demo" -> LiveDemo.run(options);
      default ->
          throw new IllegalArgumentException(
              "--source="
                  + options.getSource()
                  + " is not supported; use demo, export, kinesis or dynamodb-streams");
    };
  }

  private static RunSummary runExport(Ddb2DeltaOptions options) {
    long wallStart = System.nanoTime();
    String exportPath = options.getExportPath();
    String tableName = blankToNull(options.getTableName());
    if (exportPath.isBlank()) {
      exportPath = SampleExport.location();
      tableName = tableName == null ? SampleExport.TABLE : tableName;
    }
    ExportSource source = exportSource(exportPath, tableName, options.getTableConfig());
    ExportManifest manifest = source.manifest();
    TableMapping mapping = source.mapping();
    DeltaTargets targets = new DeltaTargets(options.getDeltaRoot(), mapping);

    boolean alreadyLoaded = true;
    Map<String, Long> before = new LinkedHashMap<>();
    for (Map.Entry<String, DeltaTableSchema> t : targets.schemas().entrySet()) {
      DeltaTable table = DeltaTable.forPath(targets.pathOf(t.getKey()));
      table.createIfAbsent(t.getKey(), t.getValue(), Map.of());
      alreadyLoaded &= LoadExport.isLoadedInto(table, manifest);
      before.put(t.getKey(), table.numRecords());
    }
    String description =
        String.format(
            Locale.ROOT,
            "export %s of table %s (%s, %s, %,d items in %d files) -> %s",
            manifest.exportId(),
            manifest.tableName(),
            manifest.format(),
            manifest.incremental() ? "incremental" : "full",
            manifest.itemCount(),
            manifest.files().size(),
            options.getDeltaRoot());
    if (!alreadyLoaded) {
      Pipeline pipeline = Pipeline.create(options);
      pipeline.apply(
          "Load export",
          LoadExport.from(manifest)
              .into(targets)
              .withTargetFileBytes((long) options.getTargetFileSizeMb() << 20));
      runWithProgress(pipeline, options, manifest.itemCount());
    }
    Map<String, Long> added = new LinkedHashMap<>();
    for (String table : targets.schemas().keySet()) {
      added.put(table, DeltaTable.forPath(targets.pathOf(table)).numRecords() - before.get(table));
    }
    return new RunSummary(
        description,
        alreadyLoaded ? 0 : manifest.itemCount(),
        added,
        io.ddb2delta.tables.QuarantineTable.NAME,
        alreadyLoaded,
        (System.nanoTime() - wallStart) / 1e9,
        // The whole process's user+sys time, start-up and JIT included: the unit benchmarks report.
        processCpuNanos() / 1e9,
        RunSummary.readPeakRssBytes());
  }

  /** An export's manifest and the mapping that loads it. */
  record ExportSource(ExportManifest manifest, TableMapping mapping) {}

  /**
   * Reads the export's manifest and picks its mapping. One {@code tableConfig} mapping is the
   * export's, whatever table it names, and names the table unless {@code tableName} does; of
   * several, the one for {@code tableName}, else for the manifest's table; with none, the shipped
   * mapping of the manifest's table.
   */
  static ExportSource exportSource(
      String exportPath, @Nullable String tableName, String tableConfig) {
    List<TableMapping> configured =
        tableConfig.isBlank() ? List.of() : TableMappings.load(tableConfig);
    TableMapping mapping = null;
    if (configured.size() == 1) {
      mapping = configured.get(0);
      tableName = tableName == null ? mapping.table() : tableName;
    } else if (configured.size() > 1 && tableName != null) {
      // Chosen before the manifest is read, so that a wrong --tableName fails first.
      mapping = TableMappings.forTable(configured, tableName);
    }
    ExportManifest manifest = ExportManifest.read(exportPath, tableName);
    if (mapping == null) {
      mapping =
          configured.isEmpty()
              ? TableMapping.shipped(manifest.tableName())
              : TableMappings.forTable(configured, manifest.tableName());
    }
    return new ExportSource(manifest, mapping);
  }

  private static void runWithProgress(Pipeline pipeline, Ddb2DeltaOptions options, long expected) {
    if (options.getRunner() == DirectRunner.class) {
      options.as(DirectOptions.class).setBlockOnRun(false);
    }
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    int interval = options.getProgressIntervalSeconds();
    PipelineResult.State state =
        interval <= 0
            ? result.waitUntilFinish()
            : result.waitUntilFinish(Duration.standardSeconds(interval));
    while (state == null || !state.isTerminal()) {
      long lines = counter(result, "lines_read");
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "progress: %,d of %,d records read, %,d quarantined, %,.0f records/s%n",
          lines,
          expected,
          counter(result, "quarantined"),
          lines / Math.max(seconds, 1e-3));
      state = result.waitUntilFinish(Duration.standardSeconds(interval));
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the pipeline ended " + state);
    }
  }

  private static long counter(PipelineResult result, String name) {
    try {
      MetricQueryResults metrics =
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.named("export", name))
                      .build());
      long total = 0;
      for (MetricResult<Long> c : metrics.getCounters()) {
        total += c.getAttempted();
      }
      return total;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
