package io.ddb2delta.pipelines;

import io.ddb2delta.cdc.CommitReport;
import io.ddb2delta.cdc.DecodeChanges;
import io.ddb2delta.cdc.WriteChangesToDelta;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.current.CurrentCommit;
import io.ddb2delta.current.CurrentTable;
import io.ddb2delta.current.HistoryTable;
import io.ddb2delta.current.MergeCurrent;
import io.ddb2delta.delta.CommitResult;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.export.ExportManifest;
import io.ddb2delta.export.LoadExport;
import io.ddb2delta.gold.AggregateGold;
import io.ddb2delta.gold.GoldCommit;
import io.ddb2delta.gold.WriteGold;
import io.ddb2delta.health.HealthRecord;
import io.ddb2delta.health.WriteHealth;
import io.ddb2delta.maintain.LakeMaintenance;
import io.ddb2delta.maintain.MaintainEveryCommits;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.mapping.TableMappings;
import io.ddb2delta.tables.DeltaTargets;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
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
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * The ddb2delta job: {@code main} parses options and calls {@link #run}, which builds and runs the
 * graph and returns what it did.
 *
 * <p>Every run is one pipeline, whatever {@code --source} lists. It reads the manifests and creates
 * or checks the Delta tables first (a table it cannot write fails here, before any data is read).
 * Each export is a bounded branch: its data files spread over workers, which decode, type and write
 * Parquet for bronze, silver and quarantine; every file's counts reconcile against the manifest;
 * each table commits once with the export's transaction id. The streams are read, flattened and
 * committed every few seconds under the stream set's transaction id. An export alone is a batch
 * run; any stream makes the run streaming.
 */
public final class Ddb2Delta {

  private Ddb2Delta() {}

  public static void main(String[] args) {
    Ddb2DeltaOptions options = parse(args);
    finish(options, () -> run(options), !isExportOnly(options.getSource()));
  }

  /**
   * Runs a job for a {@code main}: prints its summary (and writes {@code --summaryFile}), or prints
   * the failure and exits 1. With {@code exitAfter} the process ends once the summary is out: a
   * cancelled streaming read can leave non-daemon reader threads behind (KinesisIO's among them),
   * and the run is over and committed.
   */
  public static void finish(Ddb2DeltaOptions options, Supplier<RunSummary> job, boolean exitAfter) {
    finish(options, job, exitAfter, RunSummary::render);
  }

  /**
   * {@link #finish(Ddb2DeltaOptions, Supplier, boolean)}, with the summary printed by {@code
   * render}.
   */
  public static void finish(
      Ddb2DeltaOptions options,
      Supplier<RunSummary> job,
      boolean exitAfter,
      java.util.function.Function<RunSummary, String> render) {
    RunSummary summary;
    try {
      summary = job.get();
    } catch (RuntimeException e) {
      // Printed here: under `mvn exec:java` an AWS exception's message cannot be rendered once
      // the job's class loader is gone, which hides the reason.
      System.err.println("ddb2delta failed: " + e);
      e.printStackTrace();
      System.exit(1);
      return;
    }
    System.out.print(render.apply(summary));
    if (!options.getSummaryFile().isBlank()) {
      try {
        java.nio.file.Files.writeString(Path.of(options.getSummaryFile()), summary.toJson());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    if (exitAfter) {
      System.exit(0);
    }
  }

  /**
   * Parses arguments. On the DirectRunner the immutability and encodability checks cost about 3x,
   * so real runs turn them off unless asked; a batch run uses one thread per core and a streaming
   * run one thread more than Beam's default. Tests keep Beam's defaults by building options
   * themselves.
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
      // Beam's scheduling loop is resubmitted without pause while any bundle runs, so it holds one
      // of the runner's max(cores, 3) threads. A batch run takes one thread per core: the loop then
      // runs between bundles (on 2 cores: 45k against 38k records per CPU-second, and less wall
      // time). A streaming run takes one thread more than Beam's count, for the reads, writers and
      // committer that must all make progress (on 2 cores, p99 6.5 and 7.5 s against 8.1 and 31.7
      // s).
      if (Arrays.stream(args).noneMatch(a -> a.startsWith("--targetParallelism"))) {
        direct.setTargetParallelism(
            isExportOnly(options.getSource())
                ? Runtime.getRuntime().availableProcessors()
                : direct.getTargetParallelism() + 1);
      }
    }
    return options;
  }

  public static RunSummary run(Ddb2DeltaOptions options) {
    return run(options, () -> false);
  }

  /**
   * Builds and runs the one pipeline of a run, whatever its sources: each export is loaded by its
   * own bounded branch; the streams are read, flattened and committed by one committer; all of them
   * write the same tables. Besides the usual ends, a streaming run also stops once {@code stopWhen}
   * says so (checked every second), e.g. when a demo's writes have all been committed.
   */
  public static RunSummary run(Ddb2DeltaOptions options, BooleanSupplier stopWhen) {
    FileSystems.setDefaultPipelineOptions(options);
    long wallStart = System.nanoTime();
    Set<SourceKind> sources = sources(options.getSource());
    Set<SourceKind> streams = EnumSet.copyOf(sources);
    streams.remove(SourceKind.EXPORT);
    List<ExportSource> exports =
        sources.contains(SourceKind.EXPORT) ? exportSources(options, streams) : List.of();
    List<TableMapping> mappings = new ArrayList<>();
    exports.forEach(e -> addMapping(mappings, e.mapping()));
    List<TableMapping> streamMappings =
        streams.isEmpty() ? List.of() : StreamJob.mappings(options, streams, List.copyOf(mappings));
    streamMappings.forEach(m -> addMapping(mappings, m));
    DeltaTargets targets = new DeltaTargets(options.getDeltaRoot(), mappings);
    Map<String, Long> before = new LinkedHashMap<>();
    for (Map.Entry<String, DeltaTableSchema> t : targets.schemas().entrySet()) {
      DeltaTable table = DeltaTable.forPath(targets.pathOf(t.getKey()));
      // An evolving silver table may hold the columns its streaming commits added.
      table.createIfAbsent(
          t.getKey(), t.getValue(), Map.of(), targets.evolvingMappingOf(t.getKey()).isPresent());
      before.put(t.getKey(), table.numRecords());
    }
    List<String> description = new ArrayList<>();
    long exportItems = 0;
    boolean allLoaded = true;
    Pipeline pipeline = Pipeline.create(options);
    List<PCollection<KV<String, CommitResult>>> exportCommits = new ArrayList<>();
    for (int i = 0; i < exports.size(); i++) {
      ExportSource e = exports.get(i);
      DeltaTargets exportTargets = new DeltaTargets(options.getDeltaRoot(), e.mapping());
      boolean loaded = LoadExport.isLoadedInto(exportTargets, e.manifest());
      allLoaded &= loaded;
      exportItems += loaded ? 0 : e.manifest().itemCount();
      description.add(e.describe() + (loaded ? " (already loaded)" : ""));
      exportCommits.add(
          pipeline.apply(
              exports.size() == 1 ? "Load export" : "Load export " + (i + 1),
              LoadExport.from(e.manifest())
                  .into(exportTargets)
                  .skipWhenLoaded(loaded)
                  .withTargetFileBytes((long) options.getTargetFileSizeMb() << 20)));
    }
    List<PCollection<String>> bronzeCommits = new ArrayList<>();
    for (int i = 0; i < exportCommits.size(); i++) {
      bronzeCommits.add(
          exportCommits
              .get(i)
              .apply(
                  exportCommits.size() == 1 ? "Export commit" : "Export commit " + (i + 1),
                  MapElements.into(TypeDescriptors.strings()).via(KV::getKey)));
    }
    StreamJob.Streams read = null;
    PCollectionList<HealthRecord> health = null;
    if (!streams.isEmpty()) {
      read = StreamJob.streams(options, streams, streamMappings, targets, exports);
      description.add(read.description());
      PCollectionTuple decoded =
          pipeline
              .apply("Read changes", read.read())
              .apply("Decode changes", DecodeChanges.forTables(targets.keysByTable()));
      PCollection<CommitReport> reports =
          decoded.apply(
              "Commit to Delta",
              WriteChangesToDelta.into(targets, read.appId())
                  .withWriters(options.getWriters())
                  .withCommitInterval(Duration.standardSeconds(options.getCommitIntervalSeconds()))
                  .withDedupHorizon(Duration.standardSeconds(options.getDedupHorizonSeconds()))
                  .withTargetFileBytes((long) options.getTargetFileSizeMb() << 20)
                  .withExportTimes(exportTimes(exports))
                  .withRetiredShards(read.retired()));
      String appId = read.appId();
      PCollection<String> streamCommits =
          reports.apply(
              "Stream commit", MapElements.into(TypeDescriptors.strings()).via(r -> "stream"));
      bronzeCommits.add(streamCommits);
      if (options.getMaintainEveryCommits() > 0) {
        streamCommits.apply(
            "Maintain tables",
            MaintainEveryCommits.of(
                LakeMaintenance.of(
                    options.getDeltaRoot(),
                    mappings,
                    (long) options.getTargetFileSizeMb() << 20,
                    (long) options.getCurrentTargetFileSizeMb() << 20),
                options.getMaintainEveryCommits()));
        description.add(
            "maintenance of every table every " + options.getMaintainEveryCommits() + " commits");
      }
      health =
          PCollectionList.of(
              reports.apply(
                  "Health of the commits",
                  FlatMapElements.into(TypeDescriptor.of(HealthRecord.class))
                      .via(r -> HealthRecord.of(r, appId))));
      TableMapping gold = goldMapping(options, streamMappings);
      if (gold != null) {
        AggregateGold aggregate =
            AggregateGold.of(gold)
                .withCommittedChangesOf(options.getDeltaRoot())
                .withAllowedLateness(Duration.standardSeconds(options.getAllowedLatenessSeconds()))
                .withEarlyFiringDelay(Duration.standardSeconds(options.getEarlyFiringSeconds()));
        if (!exportCommits.isEmpty()) {
          // Gold replays what bronze holds once the run's exports have committed to it.
          aggregate =
              aggregate.replayAfter(
                  PCollectionList.of(exportCommits)
                      .apply("Export commits", Flatten.pCollections())
                      .apply("Exports committed", View.asList()));
        }
        PCollection<GoldCommit> goldCommits =
            decoded
                .get(DecodeChanges.DECODED)
                .apply("Aggregate gold", aggregate)
                .apply(
                    "Upsert gold",
                    WriteGold.into(options.getDeltaRoot(), read.appId())
                        .withCommitInterval(
                            Duration.standardSeconds(options.getCommitIntervalSeconds())));
        health =
            health.and(
                goldCommits.apply(
                    "Health of the gold commits",
                    MapElements.into(TypeDescriptor.of(HealthRecord.class))
                        .via(c -> HealthRecord.of(c, appId))));
        description.add("gold over the changes of table " + gold.table());
      }
    }
    if (options.getCurrent() && !bronzeCommits.isEmpty()) {
      PCollection<CurrentCommit> current =
          PCollectionList.of(bronzeCommits)
              .apply(
                  "Merge current state",
                  MergeCurrent.of(options.getDeltaRoot(), mappings)
                      .withInterval(Duration.standardSeconds(options.getCurrentIntervalSeconds()))
                      .withTargetFileBytes((long) options.getCurrentTargetFileSizeMb() << 20));
      if (health != null) {
        health =
            health.and(
                current.apply(
                    "Health of the current-state commits",
                    MapElements.into(TypeDescriptor.of(HealthRecord.class)).via(HealthRecord::of)));
      }
      description.add(
          "current state in "
              + mappings.stream().map(CurrentTable::nameOf).collect(Collectors.joining(", ")));
      if (mappings.stream().anyMatch(TableMapping::history)) {
        description.add(
            "history in "
                + mappings.stream()
                    .filter(TableMapping::history)
                    .map(HistoryTable::nameOf)
                    .collect(Collectors.joining(", ")));
      }
    }
    if (health != null) {
      WriteHealth.gather(health)
          .apply("Append pipeline health", WriteHealth.into(options.getDeltaRoot(), read.appId()));
    }
    description.forEach(System.out::println);

    Map<String, Long> counters = Map.of();
    long recordsRead = exportItems;
    if (read != null) {
      counters = StreamJob.runUntilStopped(pipeline, options, stopWhen);
      recordsRead += counters.getOrDefault("messages", 0L);
    } else if (!allLoaded) {
      runWithProgress(pipeline, options, exportItems);
    }
    Map<String, Long> added = new LinkedHashMap<>();
    for (String table : targets.schemas().keySet()) {
      added.put(table, DeltaTable.forPath(targets.pathOf(table)).numRecords() - before.get(table));
    }
    return new RunSummary(
        String.join("; ", description),
        recordsRead,
        added,
        io.ddb2delta.tables.QuarantineTable.NAME,
        read == null && allLoaded,
        (System.nanoTime() - wallStart) / 1e9,
        // The whole process's user+sys time, start-up and JIT included: the unit benchmarks report.
        processCpuNanos() / 1e9,
        RunSummary.readPeakRssBytes(),
        counters);
  }

  /** The mapping of {@code --goldTable} among the streamed tables, or null for no gold. */
  static @Nullable TableMapping goldMapping(
      Ddb2DeltaOptions options, List<TableMapping> streamMappings) {
    String table = options.getGoldTable().strip();
    if (table.isEmpty()) {
      return null;
    }
    return streamMappings.stream().filter(m -> m.table().equals(table)).findFirst().orElse(null);
  }

  /** True for a {@code --source} of exports only; false for streams or a list run() refuses. */
  private static boolean isExportOnly(String source) {
    try {
      return sources(source).equals(EnumSet.of(SourceKind.EXPORT));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The kinds {@code --source} lists, comma-separated, each at most once. */
  public static Set<SourceKind> sources(String value) {
    Set<SourceKind> kinds = EnumSet.noneOf(SourceKind.class);
    for (String label : value.split(",")) {
      if (label.isBlank()) {
        continue;
      }
      SourceKind kind;
      try {
        kind = SourceKind.fromLabel(label.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--source="
                + value
                + ": \""
                + label.strip()
                + "\" is not a source; use demo, or a comma-separated list of export, kinesis and"
                + " dynamodb-streams",
            e);
      }
      if (!kinds.add(kind)) {
        throw new IllegalArgumentException(
            "--source=" + value + " names " + label.strip() + " twice");
      }
    }
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException(
          "--source is empty; use demo, export, kinesis or dynamodb-streams");
    }
    return kinds;
  }

  /**
   * The exports of {@code --exportPath} (the shipped sample when it is empty). {@code --tableName}
   * picks the mapping only of a lone export in a run without streams; otherwise each export is
   * mapped by its own table.
   */
  private static List<ExportSource> exportSources(
      Ddb2DeltaOptions options, Set<SourceKind> streams) {
    List<String> paths =
        Arrays.stream(options.getExportPath().split(","))
            .map(String::strip)
            .filter(p -> !p.isEmpty())
            .toList();
    String tableName = blankToNull(options.getTableName());
    if (paths.isEmpty()) {
      paths = List.of(SampleExport.location());
      tableName = tableName == null ? SampleExport.TABLE : tableName;
    }
    if (paths.size() > 1 || !streams.isEmpty()) {
      tableName = null;
    }
    List<ExportSource> out = new ArrayList<>();
    for (String path : paths) {
      out.add(exportSource(path, tableName, options.getTableConfig()));
    }
    return out;
  }

  private static void addMapping(List<TableMapping> mappings, TableMapping m) {
    if (mappings.stream().noneMatch(x -> x.table().equals(m.table()))) {
      mappings.add(m);
    }
  }

  private static Map<String, Long> exportTimes(List<ExportSource> exports) {
    Map<String, Long> times = new LinkedHashMap<>();
    for (ExportSource e : exports) {
      times.merge(e.mapping().table(), e.manifest().exportTimeMicros(), Math::max);
    }
    return times;
  }

  /** An export's manifest and the mapping that loads it. */
  record ExportSource(ExportManifest manifest, TableMapping mapping) {
    String describe() {
      return String.format(
          Locale.ROOT,
          "export %s of table %s (%s, %s, %,d items in %d files)",
          manifest.exportId(),
          manifest.tableName(),
          manifest.format(),
          manifest.incremental() ? "incremental" : "full",
          manifest.itemCount(),
          manifest.files().size());
    }
  }

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

  public static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
