package io.ddb2delta.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ddb2delta.cdc.TimePrecision;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.local.LocalKinesis;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tools.StreamLatency.BronzeRow;
import io.ddb2delta.tools.StreamLatency.Joined;
import io.ddb2delta.tools.StreamLatency.Percentiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The streaming benchmark harness: DynamoDB Local (plus kinesalite and one {@link KinesisBridge}
 * per table for {@code --source=kinesis}), the real job in a child JVM, and the load generator
 * writing at a fixed rate with a {@link LoadLog}. When bronze holds every change (or the job's time
 * is up) it joins the log with bronze ({@link StreamLatency}) and prints the end-to-end latency
 * (Delta commit time minus DynamoDB write acknowledgement) overall, per shard and over time, the
 * achieved rate, the job's records per CPU-second and peak RSS, and a count check.
 *
 * <p>Several {@code --rate} values run one after another (each on fresh services and tables), and a
 * final table says which rates were sustained: every change arrived, the generator reached at least
 * 95% of the asked rate, and the latency did not keep growing over the run (the last fifth's p90 is
 * within two commit intervals plus one second of the first fifth's). The highest sustained rate is
 * the job's (or the local services') capacity on this machine.
 *
 * <p>It is a harness, not a test: it asserts nothing and prints figures for a person to compare.
 */
@Command(
    name = "benchmark-streaming",
    mixinStandardHelpOptions = true,
    description = "Measures streaming end-to-end latency, throughput and cost.")
public final class BenchmarkStreaming implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<SyntheticTable> TABLES =
      List.of(
          SyntheticTable.USERS,
          SyntheticTable.ORDERS,
          SyntheticTable.PRODUCTS,
          SyntheticTable.TRANSACTIONS);

  @Option(
      names = "--source",
      description = "dynamodb-streams or kinesis (default dynamodb-streams).")
  String source = "dynamodb-streams";

  @Option(
      names = "--rate",
      split = ",",
      description =
          "Changes per second over all tables; several (1000,2000,4000) run one after another to"
              + " find the highest sustained rate (default 1000).")
  List<Double> rates = new ArrayList<>(List.of(1000.0));

  @Option(names = "--seconds", description = "Seconds of load per run (default 60).")
  int seconds = 60;

  @Option(
      names = "--generators",
      description =
          "Load generator threads, each writing its own tables at an equal share of the rate: 1"
              + " (one thread, all tables) or 4 (one per table; default).")
  int generators = 4;

  @Option(names = "--mix", description = "Insert,modify,remove percentages (default 60,30,10).")
  String mix = "60,30,10";

  @Option(names = "--seed", description = "Seed of the first generator (default 42).")
  long seed = 42;

  @Option(names = "--shards", description = "Kinesis shards (default 4).")
  int shards = 4;

  @Option(
      names = "--commit-interval",
      description = "The job's --commitIntervalSeconds (default: the job's own default).")
  Integer commitInterval;

  @Option(
      names = "--warmup-seconds",
      description = "Seconds between the job's start-up line and the load (default 15).")
  int warmupSeconds = 15;

  @Option(
      names = "--drain-seconds",
      description =
          "Seconds the job runs on after the load; a job that has not caught up by then is stopped"
              + " and the run counts as not sustained (default 30).")
  int drainSeconds = 30;

  @Option(
      names = "--work-dir",
      description =
          "Where each run's tables, logs and summary go (default target/bench-streaming).")
  Path workDir = Path.of("target", "bench-streaming");

  @Option(
      names = "--jvm-opt",
      description =
          "A JVM option for the job process; repeatable (default -Xmx1g -XX:+UseParallelGC).")
  List<String> jvmOpts = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));

  @Option(
      names = "--job-arg",
      description = "An extra job argument, e.g. --experiments=use_sdf_read; repeatable.")
  List<String> jobArgs = new ArrayList<>();

  @Option(
      names = "--job-main",
      description =
          "The job's entry point (default io.ddb2delta.pipelines.Ddb2Delta);"
              + " io.ddb2delta.spark.SparkJob runs it on the Spark runner, from runners/spark.")
  String jobMain = JobCommand.DEFAULT_MAIN;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchmarkStreaming()).execute(args));
  }

  /** What one run measured. */
  record Result(
      double askedRate,
      double achievedRate,
      long generated,
      Joined joined,
      Percentiles overall,
      Map<String, Percentiles> shards,
      List<Percentiles> overTime,
      long jobMessages,
      double jobCpuSeconds,
      double loadCpuSeconds,
      long peakRssBytes,
      boolean sustained) {}

  @Override
  public Integer call() throws Exception {
    if (!source.equals("dynamodb-streams") && !source.equals("kinesis")) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--source is dynamodb-streams or kinesis: " + source);
    }
    if (generators != 1 && generators != TABLES.size()) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--generators is 1 or " + TABLES.size());
    }
    List<Result> results = new ArrayList<>();
    for (double rate : rates) {
      results.add(runOnce(rate));
    }
    System.out.println();
    System.out.println(
        "source           asked  achieved   p50_ms   p90_ms   p99_ms   max_ms  shard_p99_ms"
            + "       rec/cpu_s  rec/cpu_s(load)  rss_mib  counts     sustained");
    double best = 0;
    for (Result r : results) {
      long lo = r.shards().values().stream().mapToLong(Percentiles::p99).min().orElse(0);
      long hi = r.shards().values().stream().mapToLong(Percentiles::p99).max().orElse(0);
      System.out.printf(
          Locale.ROOT,
          "%-16s %6.0f %9.0f %8d %8d %8d %8d  %6d..%-6d %9.0f %16.0f %8.0f  %-9s  %s%n",
          source,
          r.askedRate(),
          r.achievedRate(),
          r.overall().p50(),
          r.overall().p90(),
          r.overall().p99(),
          r.overall().max(),
          lo,
          hi,
          r.jobMessages() / Math.max(1e-9, r.jobCpuSeconds()),
          r.jobMessages() / Math.max(1e-9, r.loadCpuSeconds()),
          r.peakRssBytes() / 1048576.0,
          r.joined().reconciled() ? "ok" : "MISMATCH",
          r.sustained() ? "yes" : "no");
      if (r.sustained()) {
        best = Math.max(best, r.achievedRate());
      }
    }
    if (results.size() > 1) {
      System.out.printf(Locale.ROOT, "highest sustained rate: %.0f changes/s%n", best);
    }
    return 0;
  }

  private Result runOnce(double rate) throws Exception {
    String name =
        String.format(Locale.ROOT, "%s-%.0f-%d", source, rate, System.currentTimeMillis() / 1000);
    Path run = workDir.resolve(name).toAbsolutePath();
    Files.createDirectories(run);
    Path lake = run.resolve("lake");
    Path summaryFile = run.resolve("summary.json");
    Path logFile = run.resolve("load.jsonl");
    Path jobLog = run.resolve("job.log");
    System.out.printf(
        Locale.ROOT, "== %s at %.0f changes/s for %d s: %s%n", source, rate, seconds, run);

    List<AutoCloseable> closeLast = new ArrayList<>();
    ExecutorService threads = Executors.newCachedThreadPool();
    List<KinesisBridge> bridges = new ArrayList<>();
    Process job = null;
    try {
      LocalDynamoDb dynamo = LocalDynamoDb.start();
      closeLast.add(dynamo);
      new LoadGenerator(dynamo.dynamoDb(), config(TABLES, rate, seed, null), LoadLog.inMemory())
          .createTables();

      List<String> args = new ArrayList<>();
      args.add("--source=" + source);
      args.add(
          "--tableName="
              + String.join(",", TABLES.stream().map(SyntheticTable::tableName).toList()));
      if (source.equals("kinesis")) {
        LocalKinesis kinesis = LocalKinesis.start();
        closeLast.add(0, kinesis);
        String stream = "bench";
        createStream(kinesis.kinesis(), stream, shards);
        for (SyntheticTable t : TABLES) {
          KinesisBridge bridge =
              new KinesisBridge(
                  new KinesisBridge.Config(
                      t.tableName(),
                      dynamo.streams(),
                      kinesis.kinesis(),
                      stream,
                      "us-east-1",
                      TimePrecision.MILLISECOND,
                      0.0,
                      13,
                      Duration.ofMillis(50),
                      KinesisBridge.Start.TRIM_HORIZON,
                      null,
                      0));
          bridges.add(bridge);
          threads.submit(
              () -> {
                try {
                  return bridge.run();
                } catch (Exception | Error e) {
                  System.err.println("the bridge of " + t.tableName() + " failed: " + e);
                  throw e;
                }
              });
        }
        args.add("--kinesisStream=" + stream);
        args.add("--kinesisEndpoint=" + kinesis.endpoint());
      } else {
        args.add("--dynamodbEndpoint=" + dynamo.endpoint());
      }
      args.add("--initialPosition=TRIM_HORIZON");
      args.add("--deltaRoot=" + lake);
      args.add("--summaryFile=" + summaryFile);
      if (jobArgs.stream().noneMatch(a -> a.startsWith("--progressIntervalSeconds"))) {
        args.add("--progressIntervalSeconds=0");
      }
      if (commitInterval != null) {
        args.add("--commitIntervalSeconds=" + commitInterval);
      }
      // Counted from the job's own start: start-up, warm-up, load and the drain allowance.
      args.add("--duration=" + (30 + warmupSeconds + seconds + drainSeconds) + "s");
      args.addAll(jobArgs);
      job = startJob(args, jobLog);
      awaitStarted(job, jobLog);
      Thread.sleep(warmupSeconds * 1000L);
      long cpuAtLoad = cpuTicks(job.pid());
      LoadLog log = LoadLog.appendingTo(logFile);
      List<Future<LoadGenerator.Summary>> runs = new ArrayList<>();
      long loadStart = System.nanoTime();
      for (int g = 0; g < generators; g++) {
        List<SyntheticTable> tables = generators == 1 ? TABLES : List.of(TABLES.get(g));
        LoadGenerator.Config c =
            config(tables, rate / generators, seed + g, Duration.ofSeconds(seconds));
        LoadGenerator generator = new LoadGenerator(dynamo.dynamoDb(), c, log);
        runs.add(threads.submit(() -> generator.run(s -> {}, Duration.ofHours(1))));
      }
      long skipped = 0;
      for (Future<LoadGenerator.Summary> f : runs) {
        skipped += f.get().skipped();
      }
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      log.close();
      long generated = log.total();
      double achieved = generated / loadSeconds;
      System.out.printf(
          Locale.ROOT,
          "load: %,d changes in %.1f s (%.0f/s), %d skipped writes%n",
          generated,
          loadSeconds,
          achieved,
          skipped);

      DeltaTable bronze = DeltaTable.forPath(lake.resolve(BronzeTable.NAME).toString());
      long landed = 0;
      while (job.isAlive()) {
        landed = bronze.exists() ? bronze.numRecords() : 0;
        if (landed >= generated) {
          break;
        }
        Thread.sleep(250);
      }
      long cpuAtDrain = job.isAlive() ? cpuTicks(job.pid()) : -1;
      double drained = (System.nanoTime() - loadStart) / 1e9 - loadSeconds;
      System.out.printf(
          Locale.ROOT,
          "bronze: %,d of %,d rows %.1f s after the load ended%n",
          landed,
          generated,
          drained);
      // Once caught up, 5 s of the job's idle CPU (the DirectRunner polls even with no data):
      // warm by now, unlike at start-up.
      double idleCores = 0;
      if (cpuAtDrain >= 0) {
        Thread.sleep(5_000);
        long after = cpuTicks(job.pid());
        idleCores = job.isAlive() ? (after - cpuAtDrain) / (double) clockTicks() / 5.0 : 0;
      }
      bridges.forEach(b -> System.out.println("bridge: " + b.stats()));
      bridges.forEach(KinesisBridge::close);
      if (!job.waitFor(30 + warmupSeconds + seconds + drainSeconds + 120, TimeUnit.SECONDS)) {
        System.err.println("the job did not end; stopping it");
        job.destroy();
        job.waitFor(30, TimeUnit.SECONDS);
      }
      JsonNode summary = JSON.readTree(Files.readString(summaryFile));
      double cpu = summary.get("cpuSeconds").asDouble();
      long rss = summary.get("peakRssBytes").asLong();
      long messages = summary.get("recordsRead").asLong();
      double loadCpu = cpuAtDrain < 0 ? cpu : (cpuAtDrain - cpuAtLoad) / (double) clockTicks();
      double window = loadSeconds + drained;
      double marginalCpu = loadCpu - idleCores * window;
      System.out.printf(
          Locale.ROOT,
          "job cpu: %.1f s in all; idle %.2f cores once caught up; %.1f s from load start to"
              + " caught up (%.1f s): %s%n",
          cpu,
          idleCores,
          loadCpu,
          window,
          marginalCpu > 0.1 * loadCpu
              ? String.format(
                  Locale.ROOT,
                  "%.1f s above idle, %,.0f changes per marginal CPU-second",
                  marginalCpu,
                  generated / marginalCpu)
              : "no more than idle (the runner's polling dominates; no marginal figure)");

      List<BronzeRow> rows = readBronze(lake.resolve(BronzeTable.NAME));
      Joined joined = StreamLatency.join(LoadLog.read(logFile), rows);
      Percentiles overall = StreamLatency.percentiles(joined.samples());
      Map<String, Percentiles> byShard = StreamLatency.byShard(joined.samples());
      List<Percentiles> fifths = StreamLatency.overTime(joined.samples(), 5);
      boolean bounded =
          fifths.size() == 5
              && fifths.get(4).p90()
                  <= fifths.get(0).p90()
                      + 2000L * (commitInterval == null ? 2 : commitInterval)
                      + 1000;
      boolean sustained = joined.reconciled() && achieved >= 0.95 * rate && bounded;

      Result r =
          new Result(
              rate, achieved, generated, joined, overall, byShard, fifths, messages, cpu, loadCpu,
              rss, sustained);
      print(r, rows.size());
      Files.writeString(run.resolve("result.txt"), r.toString());
      return r;
    } finally {
      bridges.forEach(KinesisBridge::close);
      if (job != null && job.isAlive()) {
        job.destroyForcibly();
      }
      threads.shutdownNow();
      threads.awaitTermination(30, TimeUnit.SECONDS);
      for (AutoCloseable c : closeLast) {
        try {
          c.close();
        } catch (Exception e) {
          System.err.println("cannot stop " + c + ": " + e);
        }
      }
    }
  }

  private void print(Result r, long bronzeRows) {
    Percentiles o = r.overall();
    System.out.printf(
        Locale.ROOT,
        "latency (commit - write), ms: p50 %d  p90 %d  p99 %d  max %d  (%,d changes)%n",
        o.p50(),
        o.p90(),
        o.p99(),
        o.max(),
        o.count());
    r.shards()
        .forEach(
            (shard, p) ->
                System.out.printf(
                    Locale.ROOT,
                    "  shard %-60s n=%,7d  p50 %6d  p99 %6d  max %6d%n",
                    shard,
                    p.count(),
                    p.p50(),
                    p.p99(),
                    p.max()));
    StringBuilder t = new StringBuilder("  p90 by fifth of the run, ms:");
    r.overTime().forEach(p -> t.append(' ').append(p.p90()));
    System.out.println(t);
    System.out.printf(
        Locale.ROOT,
        "counts: generated %,d, bronze rows %,d, matched %,d, missing %,d, extra %,d, duplicate"
            + " event ids %,d -> %s%n",
        r.generated(),
        bronzeRows,
        r.joined().samples().size(),
        r.joined().missing(),
        r.joined().extra(),
        r.joined().duplicates(),
        r.joined().reconciled() && r.generated() == bronzeRows ? "reconciled" : "MISMATCH");
    System.out.printf(
        Locale.ROOT,
        "RESULT source=%s asked=%.0f achieved=%.0f p50=%d p90=%d p99=%d max=%d job_messages=%d"
            + " job_cpu_s=%.1f records_per_cpu_s=%.0f load_window_cpu_s=%.1f"
            + " load_window_records_per_cpu_s=%.0f peak_rss_mib=%.0f sustained=%s%n",
        source,
        r.askedRate(),
        r.achievedRate(),
        o.p50(),
        o.p90(),
        o.p99(),
        o.max(),
        r.jobMessages(),
        r.jobCpuSeconds(),
        r.jobMessages() / Math.max(1e-9, r.jobCpuSeconds()),
        r.loadCpuSeconds(),
        r.generated() / Math.max(1e-9, r.loadCpuSeconds()),
        r.peakRssBytes() / 1048576.0,
        r.sustained());
  }

  private LoadGenerator.Config config(
      List<SyntheticTable> tables, double rate, long seed, Duration duration) {
    return new LoadGenerator.Config(
        tables, rate, LoadGenerator.Mix.parse(mix), seed, duration == null ? 1 : 0, duration);
  }

  private Process startJob(List<String> args, Path log) throws IOException {
    List<String> jvm = new ArrayList<>(jvmOpts);
    jvm.add("-Daws.cborEnabled=false");
    List<String> command = JobCommand.of(jobMain, jvm, args);
    System.out.println("job: " + String.join(" ", args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
        .start();
  }

  /** Waits for the job's first line, which it prints just before the pipeline starts. */
  private static void awaitStarted(Process job, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!job.isAlive()) {
        throw new IllegalStateException("the job ended at start-up; see " + log);
      }
      if (Files.exists(log) && Files.readString(log).contains("(app id ")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the job did not start within 120 s; see " + log);
  }

  private static void createStream(KinesisClient client, String name, int shards)
      throws InterruptedException {
    client.createStream(b -> b.streamName(name).shardCount(shards));
    while (client.describeStream(b -> b.streamName(name)).streamDescription().streamStatus()
        != StreamStatus.ACTIVE) {
      Thread.sleep(50);
    }
  }

  /** user+sys of a process, in clock ticks, from /proc (Linux); -1 elsewhere. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long clockTicks() {
    return 100; // USER_HZ on Linux
  }

  /**
   * Every bronze row with the commit time of the version that added its file, from the JSON commits
   * in {@code _delta_log} and the Parquet files they list.
   */
  static List<BronzeRow> readBronze(Path table) throws IOException {
    Map<String, Long> commitOfFile = new HashMap<>();
    Map<String, String> tableOfFile = new HashMap<>();
    List<Path> commits;
    try (var files = Files.list(table.resolve("_delta_log"))) {
      commits =
          files
              .filter(p -> p.getFileName().toString().matches("\\d{20}\\.json"))
              .sorted(Comparator.comparing(Path::getFileName))
              .toList();
    }
    for (Path commit : commits) {
      List<String> lines = Files.readAllLines(commit, StandardCharsets.UTF_8);
      long timestamp = Files.getLastModifiedTime(commit).toMillis();
      List<JsonNode> adds = new ArrayList<>();
      for (String line : lines) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode action = JSON.readTree(line);
        if (action.has("commitInfo")) {
          timestamp = action.get("commitInfo").get("timestamp").asLong();
        } else if (action.has("add")) {
          adds.add(action.get("add"));
        }
      }
      for (JsonNode add : adds) {
        String path = add.get("path").asText();
        commitOfFile.put(path, timestamp);
        tableOfFile.put(path, add.path("partitionValues").path("table_name").asText(null));
      }
    }
    Schema projection =
        SchemaBuilder.record("bronze")
            .fields()
            .requiredString("event_id")
            .requiredString("keys")
            .requiredString("source_position")
            .endRecord();
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    AvroReadSupport.setRequestedProjection(conf, projection);
    AvroReadSupport.setAvroReadSchema(conf, projection);
    List<BronzeRow> rows = new ArrayList<>();
    for (Map.Entry<String, Long> file : commitOfFile.entrySet()) {
      Path onDisk = Path.of(table.toUri().resolve(URI.create(file.getKey())));
      String tableName = tableOfFile.get(file.getKey());
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(new LocalInputFile(onDisk))
              .withDataModel(GenericData.get())
              .withConf(conf)
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          String[] shard = StreamLatency.shardAndSequence(r.get("source_position").toString());
          rows.add(
              new BronzeRow(
                  tableName,
                  keyValue(r.get("keys").toString()),
                  r.get("event_id").toString(),
                  shard[0],
                  shard[1],
                  file.getValue()));
        }
      }
    }
    return rows;
  }

  /** The value of a single-attribute key in DynamoDB JSON, e.g. {@code {"id":{"S":"u-1"}}}. */
  static String keyValue(String keysJson) throws IOException {
    JsonNode keys = JSON.readTree(keysJson);
    JsonNode typed = keys.elements().next();
    return typed.elements().next().asText();
  }
}
