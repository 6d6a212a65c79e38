package io.ddb2delta.pipelines;

import io.ddb2delta.cdc.ChangeMessage;
import io.ddb2delta.cdc.ChangeMessageCoder;
import io.ddb2delta.cdc.ChangeWriters;
import io.ddb2delta.cdc.ShardPositions;
import io.ddb2delta.cdc.TableCommitter;
import io.ddb2delta.cdc.WriteChangesToDelta;
import io.ddb2delta.cdc.streams.DynamoDbStreamsIO;
import io.ddb2delta.cdc.streams.StartPosition;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.mapping.TableMappings;
import io.ddb2delta.pipelines.aws.LocalAws;
import io.ddb2delta.pipelines.aws.LoopbackJsonClientBuilderFactory;
import io.ddb2delta.tables.DeltaTargets;
import java.net.URI;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.aws2.common.ClientConfiguration;
import org.apache.beam.sdk.io.aws2.kinesis.KinesisIO;
import org.apache.beam.sdk.io.aws2.kinesis.KinesisRecord;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import software.amazon.kinesis.common.InitialPositionInStream;

/**
 * The streams of a run: Kinesis Data Streams for DynamoDB records and tables' DynamoDB Streams,
 * read into one collection that {@link WriteChangesToDelta} commits to bronze, silver and
 * quarantine every few seconds; and the loop that runs a streaming pipeline.
 *
 * <p>Guarantees: one Delta transaction app id per stream set ({@link #appId}), under which {@link
 * WriteChangesToDelta} commits exactly once. A restart reads the committed shard positions back
 * from bronze and resumes after them (DynamoDB Streams: at the next sequence number; Kinesis: at a
 * timestamp before the oldest committed arrival, with everything already committed skipped). The
 * job stops after {@code --duration}, at the end of a bounded read, or on Ctrl-C, and returns what
 * it committed.
 */
public final class StreamJob {
  private StreamJob() {}

  /**
   * The streams of a run: the read of every stream, flattened; the app id its committer commits
   * under; and where it starts.
   */
  record Streams(
      PTransform<PBegin, PCollection<ChangeMessage>> read,
      String appId,
      ShardPositions retired,
      String description) {}

  /**
   * Plans the streams of a run over the tables of {@code mappings} ({@link
   * #mappings(Ddb2DeltaOptions, Set, List)}). Where the tables hold this app id's positions, each
   * stream resumes after them. Otherwise it starts at {@code --initialPosition}, unless an export
   * of the same run sets the start: DynamoDB Streams at TRIM_HORIZON, Kinesis {@code
   * --exportOverlapSeconds} before the earliest export time, so that no change between the export
   * and the stream is lost.
   */
  static Streams streams(
      Ddb2DeltaOptions options,
      Set<SourceKind> kinds,
      List<TableMapping> mappings,
      DeltaTargets targets,
      List<Ddb2Delta.ExportSource> exports) {
    String appId = appId(options, kinds, mappings);
    TableCommitter probe =
        new TableCommitter(targets, new ChangeWriters(appId, options.getWriters()));
    ShardPositions committed = probe.committedPositions();
    ShardPositions arrivals = probe.committedArrivals();
    ShardPositions retired = retired(options, kinds, committed, arrivals);
    committed = committed.without(retired);
    arrivals = arrivals.onlyShardsOf(committed);
    Long exportMicros =
        exports.stream().map(e -> e.manifest().exportTimeMicros()).min(Long::compare).orElse(null);
    preferSplittableRead(options);
    List<String> where = new ArrayList<>();
    KinesisIO.Read kinesis = null;
    if (kinds.contains(SourceKind.KINESIS)) {
      kinesis = kinesisRead(options, arrivals, exportMicros);
      where.add("kinesis " + options.getKinesisStream());
    }
    List<DynamoDbStreamsIO.Read> tableStreams = new ArrayList<>();
    if (kinds.contains(SourceKind.DYNAMODB_STREAMS)) {
      tableStreams = streamsReads(options, mappings, committed, exports);
      where.add("dynamodb-streams " + mappings.stream().map(TableMapping::table).toList());
    }
    String start =
        !committed.isEmpty()
            ? "resuming"
                + (retired.isEmpty()
                    ? ""
                    : ", " + retired.shardCount() + " finished shards retired")
            : exportMicros != null
                ? "new: from the export time"
                : "new: " + options.getInitialPosition();
    String description =
        String.format(
            Locale.ROOT,
            "%s -> %s (app id %s, %s)",
            String.join(" + ", where),
            options.getDeltaRoot(),
            appId,
            start);
    return new Streams(new ReadChanges(kinesis, tableStreams), appId, retired, description);
  }

  /** The positions of tables' DynamoDB Streams, keyed by stream ARN, without Kinesis's. */
  private static ShardPositions tableStreamsOf(ShardPositions committed) {
    ShardPositions out = ShardPositions.empty();
    for (Map.Entry<String, Map<String, String>> s : committed.asMap().entrySet()) {
      if (s.getKey().startsWith("arn:") && s.getKey().contains(":table/")) {
        for (Map.Entry<String, String> shard : s.getValue().entrySet()) {
          out = out.with(s.getKey(), shard.getKey(), shard.getValue());
        }
      }
    }
    return out;
  }

  /** The committed shards this restart no longer needs ({@link RetiredShards}). */
  private static ShardPositions retired(
      Ddb2DeltaOptions options,
      Set<SourceKind> kinds,
      ShardPositions committed,
      ShardPositions arrivals) {
    if (committed.isEmpty()) {
      return ShardPositions.empty();
    }
    ShardPositions retired = ShardPositions.empty();
    if (kinds.contains(SourceKind.KINESIS)) {
      URI endpoint = endpoint(options.getKinesisEndpoint(), options);
      try (var kinesis = kinesisClient(endpoint, options)) {
        retired =
            retired.merge(
                RetiredShards.ofKinesis(
                    kinesis,
                    options.getKinesisStream(),
                    committed,
                    arrivals,
                    options.getResumeMarginSeconds() * 1000L));
      }
    }
    if (kinds.contains(SourceKind.DYNAMODB_STREAMS)) {
      URI endpoint = endpoint(options.getDynamodbEndpoint(), options);
      try (var streams = streamsClient(endpoint, options)) {
        retired =
            retired.merge(RetiredShards.ofDynamoDbStreams(streams, tableStreamsOf(committed)));
      }
    }
    return retired;
  }

  /** Reads every stream of a run and flattens them into one collection of change messages. */
  static final class ReadChanges extends PTransform<PBegin, PCollection<ChangeMessage>> {
    private final KinesisIO.@Nullable Read kinesis;
    private final List<DynamoDbStreamsIO.Read> tableStreams;

    ReadChanges(KinesisIO.@Nullable Read kinesis, List<DynamoDbStreamsIO.Read> tableStreams) {
      this.kinesis = kinesis;
      this.tableStreams = List.copyOf(tableStreams);
    }

    @Override
    public PCollection<ChangeMessage> expand(PBegin begin) {
      if (kinesis == null && tableStreams.isEmpty()) {
        throw new IllegalArgumentException("no stream to read");
      }
      List<PCollection<ChangeMessage>> reads = new ArrayList<>();
      if (kinesis != null) {
        reads.add(
            begin
                .apply("Read Kinesis", kinesis)
                .apply(
                    "As change messages",
                    MapElements.into(TypeDescriptor.of(ChangeMessage.class))
                        .via(
                            (KinesisRecord r) ->
                                new ChangeMessage(
                                    SourceKind.KINESIS,
                                    r.getStreamName(),
                                    r.getShardId(),
                                    r.getSequenceNumber(),
                                    r.getApproximateArrivalTimestamp().getMillis(),
                                    r.getReadTime().getMillis(),
                                    r.getDataAsBytes(),
                                    null)))
                .setCoder(ChangeMessageCoder.of()));
      }
      for (int i = 0; i < tableStreams.size(); i++) {
        // Numbered in table order, never named by an option value: renaming a step breaks a
        // Spark checkpoint.
        reads.add(begin.apply("Read DynamoDB Streams " + (i + 1), tableStreams.get(i)));
      }
      return reads.size() == 1
          ? reads.get(0)
          : PCollectionList.of(reads)
              .apply("Flatten sources", Flatten.pCollections())
              .setCoder(ChangeMessageCoder.of());
    }
  }

  /**
   * On the DirectRunner, reads unbounded sources through the splittable-DoFn wrapper unless {@code
   * --experiments=use_deprecated_read} asks otherwise. The DirectRunner's primitive read takes at
   * most 10 records per bundle and closes the reader (KinesisIO: its shard reader threads) after 5%
   * of bundles, so reading paid the runner's per-bundle cost every 10 records; the wrapper takes up
   * to 100 records or 1 s per bundle and caches readers. Measured with BenchmarkStreaming.
   */
  static void preferSplittableRead(Ddb2DeltaOptions options) {
    if (options.getRunner() != DirectRunner.class) {
      return;
    }
    ExperimentalOptions experiments = options.as(ExperimentalOptions.class);
    if (!ExperimentalOptions.hasExperiment(experiments, "use_deprecated_read")
        && !ExperimentalOptions.hasExperiment(experiments, "use_sdf_read")) {
      ExperimentalOptions.addExperiment(experiments, "use_sdf_read");
    }
  }

  static String appId(Ddb2DeltaOptions options, SourceKind kind, List<TableMapping> mappings) {
    return appId(options, EnumSet.of(kind), mappings);
  }

  /**
   * The Delta transaction app id of a run's streams: {@code ddb2delta-kinesis-<stream>}, {@code
   * ddb2delta-dynamodb-streams-<tables>}, or both joined by a comma. It names the stream set, so a
   * restart with the same streams resumes where the last run stopped.
   */
  static String appId(
      Ddb2DeltaOptions options, Set<SourceKind> kinds, List<TableMapping> mappings) {
    List<String> parts = new ArrayList<>();
    if (kinds.contains(SourceKind.KINESIS)) {
      parts.add("kinesis-" + required(options.getKinesisStream(), "kinesisStream"));
    }
    if (kinds.contains(SourceKind.DYNAMODB_STREAMS)) {
      parts.add(
          "dynamodb-streams-"
              + String.join("+", mappings.stream().map(TableMapping::table).sorted().toList()));
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("an export is not a stream");
    }
    return "ddb2delta-" + String.join(",", parts);
  }

  /**
   * The tables of the job: those {@code --tableConfig} maps, narrowed to {@code --tableName} when
   * both are given; else the shipped mappings of {@code --tableName} (kinesis: of every shipped
   * table when it is empty).
   */
  static List<TableMapping> mappings(Ddb2DeltaOptions options, SourceKind kind) {
    return mappings(options, EnumSet.of(kind), List.of());
  }

  /**
   * The tables of a run's streams, as {@link #mappings(Ddb2DeltaOptions, SourceKind)} says; when
   * {@code --tableName} and {@code --tableConfig} are both empty and the run loads exports, the
   * exports' tables.
   */
  static List<TableMapping> mappings(
      Ddb2DeltaOptions options, Set<SourceKind> kinds, List<TableMapping> exportMappings) {
    List<String> tables =
        Arrays.stream(options.getTableName().split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    if (!options.getTableConfig().isBlank()) {
      List<TableMapping> configured = TableMappings.load(options.getTableConfig());
      return tables.isEmpty()
          ? configured
          : tables.stream().map(t -> TableMappings.forTable(configured, t)).toList();
    }
    if (tables.isEmpty() && !exportMappings.isEmpty()) {
      return exportMappings;
    }
    if (tables.isEmpty()) {
      if (kinds.contains(SourceKind.DYNAMODB_STREAMS)) {
        throw new IllegalArgumentException(
            "--source=dynamodb-streams needs --tableName (one table or a comma-separated list)");
      }
      tables = TableMapping.SHIPPED;
    }
    return tables.stream().map(TableMapping::shipped).toList();
  }

  private static KinesisIO.Read kinesisRead(
      Ddb2DeltaOptions options, ShardPositions arrivals, @Nullable Long exportMicros) {
    String stream = required(options.getKinesisStream(), "kinesisStream");
    URI endpoint = endpoint(options.getKinesisEndpoint(), options);
    if (LocalAws.isLoopback(endpoint)) {
      // kinesalite speaks JSON only; without this the SDK's CBOR requests hang the read (FACTS §3).
      // Here for the driver's own check, and through the client factory on every executor.
      System.setProperty("aws.cborEnabled", "false");
      options
          .as(org.apache.beam.sdk.io.aws2.options.AwsOptions.class)
          .setClientBuilderFactory(LoopbackJsonClientBuilderFactory.class);
    }
    checkKinesisStream(stream, endpoint, options);
    KinesisIO.Read read =
        KinesisIO.read()
            .withStreamName(stream)
            .withClientConfiguration(clientConfiguration(endpoint))
            .withArrivalTimeWatermarkPolicy(
                Duration.standardSeconds(options.getIdleWatermarkSeconds()));
    Map<String, String> shards = arrivals.ofStream(stream);
    if (!shards.isEmpty()) {
      long oldest = shards.values().stream().mapToLong(Long::parseLong).min().orElseThrow();
      read =
          read.withInitialTimestampInStream(
              new Instant(oldest - options.getResumeMarginSeconds() * 1000L));
    } else if (exportMicros != null) {
      if ("LATEST".equals(options.getInitialPosition())) {
        throw new IllegalArgumentException(LATEST_WITH_EXPORT);
      }
      read =
          read.withInitialTimestampInStream(
              new Instant(exportMicros / 1000 - options.getExportOverlapSeconds() * 1000L));
    } else {
      String initial = options.getInitialPosition();
      read =
          switch (initial) {
            case "TRIM_HORIZON" ->
                read.withInitialPositionInStream(InitialPositionInStream.TRIM_HORIZON);
            case "LATEST" -> read.withInitialPositionInStream(InitialPositionInStream.LATEST);
            default -> read.withInitialTimestampInStream(parseInstant(initial));
          };
    }
    if (options.getMaxRecords() > 0) {
      read = read.withMaxNumRecords(options.getMaxRecords());
    }
    if (options.getMaxReadTimeSeconds() > 0) {
      read = read.withMaxReadTime(Duration.standardSeconds(options.getMaxReadTimeSeconds()));
    }
    return read;
  }

  static List<DynamoDbStreamsIO.Read> streamsReads(
      Ddb2DeltaOptions options,
      List<TableMapping> mappings,
      ShardPositions committed,
      List<Ddb2Delta.ExportSource> exports) {
    boolean withExport = !exports.isEmpty();
    URI endpoint = endpoint(options.getDynamodbEndpoint(), options);
    StartPosition initial =
        switch (options.getInitialPosition()) {
          case "TRIM_HORIZON" -> StartPosition.TRIM_HORIZON;
          case "LATEST" -> {
            if (withExport) {
              throw new IllegalArgumentException(LATEST_WITH_EXPORT);
            }
            yield StartPosition.LATEST;
          }
          default ->
              throw new IllegalArgumentException(
                  "--initialPosition for dynamodb-streams is TRIM_HORIZON or LATEST, not "
                      + options.getInitialPosition());
        };
    List<DynamoDbStreamsIO.Read> reads = new ArrayList<>();
    for (TableMapping m :
        mappings.stream().sorted(Comparator.comparing(TableMapping::table)).toList()) {
      // A table's stream ARN names the table: arn:...:table/<name>/stream/<label>.
      Map<String, String> resume = new LinkedHashMap<>();
      committed
          .asMap()
          .forEach(
              (streamArn, shards) -> {
                if (streamArn.contains(":table/" + m.table() + "/stream/")) {
                  resume.putAll(shards);
                }
              });
      DynamoDbStreamsIO.Read read =
          DynamoDbStreamsIO.read()
              .withTableName(m.table())
              .withClientConfiguration(clientConfiguration(endpoint))
              .withInitialPosition(initial)
              .withStartPositions(resume)
              .withIdleWatermarkDelay(Duration.standardSeconds(options.getIdleWatermarkSeconds()));
      if (options.getStreamsAcrossTrimmedGap()) {
        if (exports.stream()
            .noneMatch(e -> e.manifest().incremental() && e.mapping().table().equals(m.table()))) {
          throw new IllegalArgumentException(
              "--streamsAcrossTrimmedGap reads on past records the stream of table "
                  + m.table()
                  + " no longer holds, so it needs an incremental export of "
                  + m.table()
                  + " in the same run to repair that gap (--source=export,dynamodb-streams"
                  + " --exportPath=<an INCREMENTAL_EXPORT from before the gap to now>)");
        }
        read = read.withReadAcrossTrimmedGaps(true);
      }
      if (options.getMaxRecords() > 0) {
        read = read.withMaxNumRecords(options.getMaxRecords());
      }
      if (options.getMaxReadTimeSeconds() > 0) {
        read = read.withMaxReadTime(Duration.standardSeconds(options.getMaxReadTimeSeconds()));
      }
      reads.add(read);
    }
    return reads;
  }

  private static final String LATEST_WITH_EXPORT =
      "--initialPosition=LATEST with an export in the same run would lose the changes made between"
          + " the export time and now; leave it out, and the stream starts at the export";

  /** Runs until the read ends, the duration passes, or the JVM is asked to stop. */
  static Map<String, Long> runUntilStopped(
      Pipeline pipeline, Ddb2DeltaOptions options, BooleanSupplier stopWhen) {
    if (options.getRunner() == DirectRunner.class) {
      options.as(DirectOptions.class).setBlockOnRun(false);
    }
    long start = System.nanoTime();
    long limitNanos = durationNanos(options.getDuration());
    PipelineResult result = pipeline.run();
    AtomicBoolean stopping = new AtomicBoolean();
    Thread hook =
        new Thread(
            () -> {
              stopping.set(true);
              cancelQuietly(result);
            },
            "ddb2delta-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      long interval = options.getProgressIntervalSeconds() * 1_000_000_000L;
      long nextProgress = start + interval;
      PipelineResult.State state = null;
      while (state == null || !state.isTerminal()) {
        long now = System.nanoTime();
        if (now - start >= limitNanos
            || stopWhen.getAsBoolean()
            || (options.getStopAfterMessages() > 0
                && counters(result).getOrDefault("messages", 0L)
                    >= options.getStopAfterMessages())) {
          cancelQuietly(result);
          // Stopped on purpose; the Spark runner still reports RUNNING at this point.
          state = PipelineResult.State.CANCELLED;
          break;
        }
        state = result.waitUntilFinish(Duration.millis(1_000));
        if (interval > 0
            && System.nanoTime() >= nextProgress
            && (state == null || !state.isTerminal())) {
          System.out.println(progressLine(result, start));
          nextProgress += interval;
        }
      }
      if (state != null
          && state != PipelineResult.State.DONE
          && state != PipelineResult.State.CANCELLED
          && !stopping.get()) {
        throw new IllegalStateException("the pipeline ended " + state);
      }
      return counters(result);
    } finally {
      if (!stopping.get()) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
    }
  }

  private static void cancelQuietly(PipelineResult result) {
    try {
      result.cancel();
    } catch (Exception e) {
      // It may already be done.
    }
  }

  private static String progressLine(PipelineResult result, long startNanos) {
    Map<String, Long> c = counters(result);
    DistributionResult lag = distribution(result, "commit_lag_ms");
    DistributionResult readLag = distribution(result, "read_to_commit_ms");
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    StringBuilder rows = new StringBuilder();
    c.forEach(
        (k, v) -> {
          if (k.startsWith("rows.")) {
            rows.append(String.format(Locale.ROOT, " %s +%,d", k.substring(5), v));
          }
        });
    return String.format(
        Locale.ROOT,
        "progress %.0fs: %,d changes (%,.0f/s), %,d commits, %,d duplicates skipped,"
            + " %,d quarantined; source to commit: last batch %,d ms, max %,d ms; read to commit:"
            + " mean %,.0f ms, max %,d ms |%s",
        seconds,
        c.getOrDefault("messages", 0L),
        c.getOrDefault("messages", 0L) / Math.max(seconds, 1e-3),
        c.getOrDefault("commits", 0L),
        c.getOrDefault("duplicates", 0L),
        c.getOrDefault("quarantined", 0L),
        gauge(result, "last_commit_lag_ms"),
        lag == null ? 0L : lag.getMax(),
        readLag == null ? 0.0 : readLag.getMean(),
        readLag == null ? 0L : readLag.getMax(),
        rows);
  }

  private static Map<String, Long> counters(PipelineResult result) {
    Map<String, Long> out = new LinkedHashMap<>();
    try {
      MetricQueryResults metrics =
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(
                          MetricNameFilter.inNamespace(WriteChangesToDelta.METRICS_NAMESPACE))
                      .build());
      for (MetricResult<Long> c : metrics.getCounters()) {
        out.merge(c.getName().getName(), c.getAttempted(), Long::sum);
      }
    } catch (RuntimeException e) {
      // Metrics are best effort; the summary reads rows from the tables.
    }
    return out;
  }

  private static DistributionResult distribution(PipelineResult result, String name) {
    try {
      for (MetricResult<DistributionResult> d :
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(
                          MetricNameFilter.named(WriteChangesToDelta.METRICS_NAMESPACE, name))
                      .build())
              .getDistributions()) {
        return d.getAttempted();
      }
    } catch (RuntimeException e) {
      // best effort
    }
    return null;
  }

  private static long gauge(PipelineResult result, String name) {
    try {
      for (var g :
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(
                          MetricNameFilter.named(WriteChangesToDelta.METRICS_NAMESPACE, name))
                      .build())
              .getGauges()) {
        return g.getAttempted().getValue();
      }
    } catch (RuntimeException e) {
      // best effort
    }
    return 0;
  }

  /**
   * Fails before the pipeline starts when the stream is missing: KinesisIO's own error comes from a
   * worker thread and says nothing about what to do.
   */
  private static void checkKinesisStream(String stream, URI endpoint, Ddb2DeltaOptions options) {
    try (var kinesis = kinesisClient(endpoint, options)) {
      String status =
          kinesis
              .describeStreamSummary(b -> b.streamName(stream))
              .streamDescriptionSummary()
              .streamStatusAsString();
      if (!"ACTIVE".equals(status) && !"UPDATING".equals(status)) {
        throw new IllegalStateException(
            "Kinesis stream " + stream + " is " + status + "; wait until it is ACTIVE");
      }
    } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
      throw new IllegalArgumentException(
          "Kinesis stream "
              + stream
              + " does not exist"
              + (endpoint == null ? "" : " at " + endpoint)
              + ". Create it and turn on the table's Kinesis streaming destination, e.g. with"
              + " the aws-setup command (--tables <table> --kinesis-prefix ...), then start"
              + " again.",
          e);
    }
  }

  /** A Kinesis client for the job's own calls, on the endpoint and credentials the IOs use. */
  private static software.amazon.awssdk.services.kinesis.KinesisClient kinesisClient(
      URI endpoint, Ddb2DeltaOptions options) {
    return forJob(
            software.amazon.awssdk.services.kinesis.KinesisClient.builder(), endpoint, options)
        .build();
  }

  /** A DynamoDB Streams client for the job's own calls, as {@link #kinesisClient} is. */
  private static software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient
      streamsClient(URI endpoint, Ddb2DeltaOptions options) {
    return forJob(
            software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient.builder(),
            endpoint,
            options)
        .build();
  }

  /**
   * A client builder on {@code endpoint}: the local stack's region and credentials on loopback,
   * else {@code --awsRegion} and {@code --awsCredentialsProvider}, as Beam's IOs use them.
   */
  private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>>
      B forJob(B builder, URI endpoint, Ddb2DeltaOptions options) {
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (LocalAws.isLoopback(endpoint)) {
      builder.region(LocalAws.region()).credentialsProvider(LocalAws.credentials());
    } else {
      if (options.getAwsRegion() != null) {
        builder.region(options.getAwsRegion());
      }
      builder.credentialsProvider(options.getAwsCredentialsProvider());
    }
    return builder;
  }

  static ClientConfiguration clientConfiguration(URI endpoint) {
    ClientConfiguration.Builder b = ClientConfiguration.builder();
    if (endpoint != null) {
      b.endpoint(endpoint);
      if (LocalAws.isLoopback(endpoint)) {
        b.region(LocalAws.region()).credentialsProvider(LocalAws.credentials());
      }
    }
    return b.build();
  }

  /**
   * The endpoint of one service for every client the job builds itself: the service's own option
   * ({@code --kinesisEndpoint}, {@code --dynamodbEndpoint}), else Beam's {@code --endpoint}, else
   * none (AWS). Beam's IOs take {@code --endpoint} on their own; the job's pre-flight checks and
   * the loopback rule (local credentials, no CBOR) must see the same endpoint.
   */
  static URI endpoint(String serviceEndpoint, Ddb2DeltaOptions options) {
    if (serviceEndpoint != null && !serviceEndpoint.isBlank()) {
      return URI.create(serviceEndpoint.strip());
    }
    return options.getEndpoint();
  }

  /** Seconds ("90"), a suffixed amount ("90s", "5m", "2h") or ISO-8601 ("PT1H"); empty: forever. */
  public static long durationNanos(String value) {
    if (value == null || value.isBlank()) {
      return Long.MAX_VALUE;
    }
    String v = value.strip().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt") || v.startsWith("p")) {
        return java.time.Duration.parse(value.strip()).toNanos();
      }
      long unit =
          switch (v.charAt(v.length() - 1)) {
            case 's' -> 1L;
            case 'm' -> 60L;
            case 'h' -> 3600L;
            default -> 0L;
          };
      long amount = Long.parseLong(unit == 0 ? v : v.substring(0, v.length() - 1));
      return java.util.concurrent.TimeUnit.SECONDS.toNanos(amount * (unit == 0 ? 1 : unit));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--duration=" + value + " is not a duration; use seconds, 90s, 5m, 2h or PT1H", e);
    }
  }

  private static Instant parseInstant(String value) {
    try {
      return new Instant(java.time.Instant.parse(value).toEpochMilli());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--initialPosition must be TRIM_HORIZON, LATEST or an ISO-8601 instant such as"
              + " 2026-11-24T07:00:00Z, not "
              + value,
          e);
    }
  }

  private static String required(String value, String option) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + option + " is required for this source");
    }
    return value;
  }
}
