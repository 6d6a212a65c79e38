package io.ddb2delta.cdc;

import com.google.auto.value.AutoValue;
import io.ddb2delta.tables.DeltaTargets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterFirst;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;

/**
 * Writes decoded change messages and dead letters ({@link DecodeChanges}' two outputs) to bronze,
 * silver and quarantine, exactly once, with the decoding, typing and Parquet writing spread over
 * {@link ChangeWriters} and one committer.
 *
 * <p>Each message goes to the writer of its shard, in chunks of a bundle's messages. Messages are
 * batched per writer by a processing-time trigger in the global window (no user timers, which the
 * Spark runner rejects in streaming), or sooner when a batch reaches {@code maxBatchRecords}; each
 * writer's batch is written by {@link ChangeFileWriter} on whichever worker holds it, and only the
 * resulting {@link Committable}s (file descriptions and counts) travel to the single {@link
 * TableCommitter}, which commits every pane of them at once, one commit per table. Empty panes
 * never reach either. The output is one {@link CommitReport} per committed pane.
 *
 * <p>Building the transform settles the writers' state of earlier runs ({@link
 * ChangeFileWriter#settle}); it runs on the driver, before any worker writes.
 */
@AutoValue
public abstract class WriteChangesToDelta
    extends PTransform<PCollectionTuple, PCollection<CommitReport>> {
  public static final String METRICS_NAMESPACE = "cdc";

  abstract DeltaTargets targets();

  abstract String appId();

  abstract int writers();

  abstract Duration commitInterval();

  abstract Duration dedupHorizon();

  abstract Duration commitWait();

  abstract int maxBatchRecords();

  abstract long targetFileBytes();

  abstract Map<String, Long> exportTimeMicrosByTable();

  abstract ShardPositions retiredShards();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setTargets(DeltaTargets targets);

    abstract Builder setAppId(String appId);

    abstract Builder setWriters(int writers);

    abstract Builder setCommitInterval(Duration interval);

    abstract Builder setDedupHorizon(Duration horizon);

    abstract Builder setCommitWait(Duration wait);

    abstract Builder setMaxBatchRecords(int max);

    abstract Builder setTargetFileBytes(long bytes);

    abstract Builder setExportTimeMicrosByTable(Map<String, Long> times);

    abstract Builder setRetiredShards(ShardPositions retired);

    abstract WriteChangesToDelta build();
  }

  /**
   * @param appId the stream set's app id; one per source stream set, stable across restarts
   */
  public static WriteChangesToDelta into(DeltaTargets targets, String appId) {
    return new AutoValue_WriteChangesToDelta.Builder()
        .setTargets(targets)
        .setAppId(appId)
        .setWriters(DEFAULT_WRITERS)
        .setCommitInterval(Duration.standardSeconds(2))
        .setDedupHorizon(Duration.standardMinutes(3))
        .setCommitWait(Duration.standardMinutes(5))
        .setMaxBatchRecords(50_000)
        .setTargetFileBytes(128L << 20)
        .setExportTimeMicrosByTable(Map.of())
        .setRetiredShards(ShardPositions.empty())
        .build();
  }

  public static final int DEFAULT_WRITERS = 4;

  /** How many writers share the decoding and Parquet writing; fixed for the life of the tables. */
  public WriteChangesToDelta withWriters(int writers) {
    return toBuilder().setWriters(writers).build();
  }

  /**
   * How long a writer's batch stays open; zero closes it at every pane the runner delivers, which
   * suits a runner that cuts its streaming batches by time itself (Spark).
   */
  public WriteChangesToDelta withCommitInterval(Duration interval) {
    return toBuilder().setCommitInterval(interval).build();
  }

  public WriteChangesToDelta withDedupHorizon(Duration horizon) {
    return toBuilder().setDedupHorizon(horizon).build();
  }

  /** How long a writer waits for the committer to commit its previous batch before it fails. */
  public WriteChangesToDelta withCommitWait(Duration wait) {
    return toBuilder().setCommitWait(wait).build();
  }

  public WriteChangesToDelta withMaxBatchRecords(int max) {
    return toBuilder().setMaxBatchRecords(max).build();
  }

  public WriteChangesToDelta withTargetFileBytes(long bytes) {
    return toBuilder().setTargetFileBytes(bytes).build();
  }

  /**
   * The export time of each table that an export in the same run loads: stream changes at or before
   * it are counted as the overlap ({@code before_export}), and still written.
   */
  public WriteChangesToDelta withExportTimes(Map<String, Long> exportTimeMicrosByTable) {
    return toBuilder().setExportTimeMicrosByTable(Map.copyOf(exportTimeMicrosByTable)).build();
  }

  /**
   * Shards, at their last committed positions, that the commits leave out from now on: shards the
   * source no longer serves, or closed and fully committed ones that a restart can no longer need.
   * One that advances after all is kept.
   */
  public WriteChangesToDelta withRetiredShards(ShardPositions retired) {
    return toBuilder().setRetiredShards(retired).build();
  }

  @Override
  public PCollection<CommitReport> expand(PCollectionTuple decoded) {
    if (commitInterval().getMillis() < 0) {
      throw new IllegalArgumentException(
          "the commit interval must not be negative: " + commitInterval());
    }
    if (dedupHorizon().getMillis() < commitInterval().getMillis()) {
      throw new IllegalArgumentException(
          "the dedup horizon (" + dedupHorizon() + ") must be at least the commit interval");
    }
    if (commitWait().getMillis() < commitInterval().getMillis()) {
      throw new IllegalArgumentException(
          "the commit wait (" + commitWait() + ") must be at least the commit interval");
    }
    if (maxBatchRecords() <= 0 || targetFileBytes() <= 0) {
      throw new IllegalArgumentException("maxBatchRecords and targetFileBytes must be positive");
    }
    ChangeWriters writers = new ChangeWriters(appId(), writers());
    TableCommitter committer = new TableCommitter(targets(), writers);
    int committed = committer.committedWriterCount();
    if (committed != 0 && committed != writers.count()) {
      throw new IllegalArgumentException(
          "the tables under "
              + targets().deltaRoot()
              + " hold app id "
              + appId()
              + " written by "
              + committed
              + " writers; run it with --writers="
              + committed
              + " (each shard's dedup memory belongs to its writer), or write to new tables");
    }
    for (String txnAppId : writers.txnAppIds()) {
      ChangeFileWriter.settle(targets(), txnAppId, dedupHorizon().getMillis());
    }
    DecodedMessageCoder coder = DecodedMessageCoder.forTables(targets().keysByTable());
    return PCollectionList.of(decoded.get(DecodeChanges.DECODED))
        .and(decoded.get(DecodeChanges.DEAD_LETTERS))
        .apply("Rejoin dead letters", Flatten.pCollections())
        .setCoder(coder)
        .apply("Key by writer", ParDo.of(new ChunkByWriter(writers, MAX_CHUNK)))
        .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(coder)))
        .apply(
            "Batch",
            Window.<KV<Integer, List<DecodedMessage>>>into(new GlobalWindows())
                .triggering(batchTrigger())
                .discardingFiredPanes()
                .withAllowedLateness(Duration.ZERO))
        .apply("Group into batches", GroupByKey.create())
        .apply(
            "Write Delta files",
            ParDo.of(
                new WriteFiles(
                    targets(),
                    writers,
                    dedupHorizon().getMillis(),
                    targetFileBytes(),
                    commitWait().getMillis(),
                    exportTimeMicrosByTable())))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(Committable.class)))
        .apply(
            "Collect committables",
            Window.<KV<Integer, Committable>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                .discardingFiredPanes()
                .withAllowedLateness(Duration.ZERO))
        .apply("Group for the committer", GroupByKey.create())
        .apply("Commit", ParDo.of(new CommitFiles(targets(), writers, retiredShards())))
        .setCoder(SerializableCoder.of(CommitReport.class));
  }

  /**
   * Closes a writer's batch {@code commitInterval} after its first message, or once it holds {@code
   * maxBatchRecords}; with a zero interval, at every pane the runner delivers: the Spark runner's
   * streaming batches are already cut by time (its batch interval), and holding messages across
   * them would put every one in Spark's checkpointed state.
   */
  private Trigger batchTrigger() {
    if (commitInterval().getMillis() == 0) {
      return Repeatedly.forever(AfterPane.elementCountAtLeast(1));
    }
    return Repeatedly.forever(
        AfterFirst.of(
            AfterProcessingTime.pastFirstElementInPane().plusDelayOf(commitInterval()),
            AfterPane.elementCountAtLeast(Math.max(1, maxBatchRecords() / MAX_CHUNK))));
  }

  /** The most messages in one chunk: a batch closes early at maxBatchRecords / MAX_CHUNK chunks. */
  static final int MAX_CHUNK = 1_000;

  /**
   * Gathers a bundle's messages into one list per writer, so that grouping adds a few lists rather
   * than every message: the Spark runner's streaming group-by-key re-reads a key's whole bag for
   * each element it adds, which made a batch's grouping cost grow with its square.
   */
  static final class ChunkByWriter extends DoFn<DecodedMessage, KV<Integer, List<DecodedMessage>>> {
    private final ChangeWriters writers;
    private final int maxChunk;
    private transient Map<Integer, List<DecodedMessage>> chunks;

    ChunkByWriter(ChangeWriters writers, int maxChunk) {
      this.writers = writers;
      this.maxChunk = maxChunk;
    }

    @StartBundle
    public void startBundle() {
      chunks = new HashMap<>();
    }

    @ProcessElement
    public void process(
        @Element DecodedMessage m, OutputReceiver<KV<Integer, List<DecodedMessage>>> out) {
      int writer = writers.writerOf(m.message());
      List<DecodedMessage> chunk = chunks.computeIfAbsent(writer, w -> new ArrayList<>());
      chunk.add(m);
      if (chunk.size() >= maxChunk) {
        out.output(KV.of(writer, chunk));
        chunks.remove(writer);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Map.Entry<Integer, List<DecodedMessage>> c : chunks.entrySet()) {
        context.output(
            KV.of(c.getKey(), c.getValue()),
            GlobalWindow.INSTANCE.maxTimestamp(),
            GlobalWindow.INSTANCE);
      }
      chunks = null;
    }
  }

  /** Writes each writer's non-empty batch and keys its committable for the one committer. */
  static final class WriteFiles
      extends DoFn<KV<Integer, Iterable<List<DecodedMessage>>>, KV<Integer, Committable>> {
    private final DeltaTargets targets;
    private final ChangeWriters writers;
    private final long horizonMillis;
    private final long targetFileBytes;
    private final long waitMillis;
    private final Map<String, Long> exportTimes;

    private transient Map<Integer, ChangeFileWriter> byWriter;

    WriteFiles(
        DeltaTargets targets,
        ChangeWriters writers,
        long horizonMillis,
        long targetFileBytes,
        long waitMillis,
        Map<String, Long> exportTimes) {
      this.targets = targets;
      this.writers = writers;
      this.horizonMillis = horizonMillis;
      this.targetFileBytes = targetFileBytes;
      this.waitMillis = waitMillis;
      this.exportTimes = exportTimes;
    }

    @Setup
    public void setup() {
      byWriter = new HashMap<>();
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<List<DecodedMessage>>> batch,
        OutputReceiver<KV<Integer, Committable>> out) {
      List<DecodedMessage> all = new ArrayList<>();
      batch.getValue().forEach(all::addAll);
      if (all.isEmpty()) {
        return;
      }
      int writer = batch.getKey();
      ChangeFileWriter w =
          byWriter.computeIfAbsent(
              writer,
              k ->
                  new ChangeFileWriter(
                      targets,
                      writers,
                      k,
                      horizonMillis,
                      targetFileBytes,
                      waitMillis,
                      exportTimes));
      Committable c = w.write(all);
      if (c != null) {
        out.output(KV.of(0, c));
      }
    }
  }

  /** Runs the one committer on each pane of committables. */
  static final class CommitFiles extends DoFn<KV<Integer, Iterable<Committable>>, CommitReport> {
    private final DeltaTargets targets;
    private final ChangeWriters writers;

    private final Counter messages = Metrics.counter(METRICS_NAMESPACE, "messages");
    private final Counter duplicates = Metrics.counter(METRICS_NAMESPACE, "duplicates");
    private final Counter replays = Metrics.counter(METRICS_NAMESPACE, "replays");
    private final Counter quarantined = Metrics.counter(METRICS_NAMESPACE, "quarantined");
    private final Counter beforeExport = Metrics.counter(METRICS_NAMESPACE, "before_export");
    private final Counter commits = Metrics.counter(METRICS_NAMESPACE, "commits");
    private final Distribution lag = Metrics.distribution(METRICS_NAMESPACE, "commit_lag_ms");
    private final Distribution readLag =
        Metrics.distribution(METRICS_NAMESPACE, "read_to_commit_ms");
    private final Gauge lastLag = Metrics.gauge(METRICS_NAMESPACE, "last_commit_lag_ms");

    private final ShardPositions retired;
    private transient TableCommitter committer;

    CommitFiles(DeltaTargets targets, ChangeWriters writers, ShardPositions retired) {
      this.targets = targets;
      this.writers = writers;
      this.retired = retired;
    }

    @Setup
    public void setup() {
      committer = new TableCommitter(targets, writers, retired);
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<Committable>> pane, OutputReceiver<CommitReport> out) {
      List<Committable> all = new ArrayList<>();
      pane.getValue().forEach(all::add);
      if (all.isEmpty()) {
        return;
      }
      CommitReport report = committer.commit(all);
      messages.inc(report.messages());
      duplicates.inc(report.duplicates());
      replays.inc(report.replays());
      quarantined.inc(report.quarantined());
      beforeExport.inc(report.beforeExport());
      commits.inc();
      report
          .rowsByTable()
          .forEach((table, rows) -> Metrics.counter(METRICS_NAMESPACE, "rows." + table).inc(rows));
      long at = report.committedAtMillis();
      for (Committable c : all) {
        if (c.messages() == 0) {
          continue;
        }
        lag.update(
            Math.max(0, c.messages() * at - c.arrivalSum()),
            c.messages(),
            Math.max(0, at - c.maxArrivalMillis()),
            Math.max(0, at - c.minArrivalMillis()));
        readLag.update(
            Math.max(0, c.messages() * at - c.readSum()),
            c.messages(),
            Math.max(0, at - c.maxReadMillis()),
            Math.max(0, at - c.minReadMillis()));
      }
      lastLag.set(Math.max(0, at - report.minArrivalMillis()));
      out.output(report);
    }
  }
}
