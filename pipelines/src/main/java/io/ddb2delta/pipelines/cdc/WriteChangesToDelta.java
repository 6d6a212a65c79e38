package io.ddb2delta.pipelines.cdc;

import com.google.auto.value.AutoValue;
import io.ddb2delta.pipelines.DeltaTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterFirst;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Commits a stream of change messages to bronze, silver and quarantine every few seconds, exactly
 * once.
 *
 * <p>Messages are batched by a processing-time trigger in the global window (no user timers, which
 * the Spark runner rejects in streaming), or sooner when a batch reaches {@code maxBatchRecords};
 * one committer then writes and commits each batch, see {@link ChangeCommitter} for what it
 * guarantees. Empty panes never reach the committer. The output is one {@link CommitReport} per
 * committed batch.
 */
@AutoValue
public abstract class WriteChangesToDelta
    extends PTransform<PCollection<ChangeMessage>, PCollection<CommitReport>> {
  public static final String METRICS_NAMESPACE = "cdc";

  abstract DeltaTargets targets();

  abstract String appId();

  abstract Duration commitInterval();

  abstract Duration dedupHorizon();

  abstract int maxBatchRecords();

  abstract long targetFileBytes();

  abstract Map<String, Long> exportTimeMicrosByTable();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setTargets(DeltaTargets targets);

    abstract Builder setAppId(String appId);

    abstract Builder setCommitInterval(Duration interval);

    abstract Builder setDedupHorizon(Duration horizon);

    abstract Builder setMaxBatchRecords(int max);

    abstract Builder setTargetFileBytes(long bytes);

    abstract Builder setExportTimeMicrosByTable(Map<String, Long> times);

    abstract WriteChangesToDelta build();
  }

  /**
   * @param appId the Delta transaction app id; one per source stream set, stable across restarts
   */
  public static WriteChangesToDelta into(DeltaTargets targets, String appId) {
    return new AutoValue_WriteChangesToDelta.Builder()
        .setTargets(targets)
        .setAppId(appId)
        .setCommitInterval(Duration.standardSeconds(2))
        .setDedupHorizon(Duration.standardMinutes(3))
        .setMaxBatchRecords(50_000)
        .setTargetFileBytes(128L << 20)
        .setExportTimeMicrosByTable(Map.of())
        .build();
  }

  public WriteChangesToDelta withCommitInterval(Duration interval) {
    return toBuilder().setCommitInterval(interval).build();
  }

  public WriteChangesToDelta withDedupHorizon(Duration horizon) {
    return toBuilder().setDedupHorizon(horizon).build();
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

  @Override
  public PCollection<CommitReport> expand(PCollection<ChangeMessage> messages) {
    if (appId().isBlank()) {
      throw new IllegalArgumentException("appId must be set");
    }
    if (commitInterval().getMillis() <= 0) {
      throw new IllegalArgumentException(
          "the commit interval must be positive: " + commitInterval());
    }
    if (dedupHorizon().getMillis() < commitInterval().getMillis()) {
      throw new IllegalArgumentException(
          "the dedup horizon (" + dedupHorizon() + ") must be at least the commit interval");
    }
    if (maxBatchRecords() <= 0 || targetFileBytes() <= 0) {
      throw new IllegalArgumentException("maxBatchRecords and targetFileBytes must be positive");
    }
    return messages
        .apply(
            "Key for the committer",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.integers(), messages.getTypeDescriptor()))
                .via((ChangeMessage m) -> KV.of(0, m)))
        .setCoder(KvCoder.of(VarIntCoder.of(), ChangeMessageCoder.of()))
        .apply(
            "Batch",
            Window.<KV<Integer, ChangeMessage>>into(new GlobalWindows())
                .triggering(
                    Repeatedly.forever(
                        AfterFirst.of(
                            AfterProcessingTime.pastFirstElementInPane()
                                .plusDelayOf(commitInterval()),
                            AfterPane.elementCountAtLeast(maxBatchRecords()))))
                .discardingFiredPanes()
                .withAllowedLateness(Duration.ZERO))
        .apply("Group into batches", GroupByKey.create())
        .apply(
            "Write and commit",
            ParDo.of(
                new CommitBatches(
                    targets(),
                    appId(),
                    dedupHorizon().getMillis(),
                    targetFileBytes(),
                    exportTimeMicrosByTable())))
        .setCoder(SerializableCoder.of(CommitReport.class));
  }

  /** Runs the committer on each non-empty batch. */
  static final class CommitBatches
      extends DoFn<KV<Integer, Iterable<ChangeMessage>>, CommitReport> {
    private final DeltaTargets targets;
    private final String appId;
    private final long horizonMillis;
    private final long targetFileBytes;
    private final Map<String, Long> exportTimes;

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

    private transient ChangeCommitter committer;

    CommitBatches(
        DeltaTargets targets,
        String appId,
        long horizonMillis,
        long targetFileBytes,
        Map<String, Long> exportTimes) {
      this.targets = targets;
      this.exportTimes = exportTimes;
      this.appId = appId;
      this.horizonMillis = horizonMillis;
      this.targetFileBytes = targetFileBytes;
    }

    @Setup
    public void setup() {
      committer = new ChangeCommitter(targets, appId, horizonMillis, targetFileBytes, exportTimes);
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<ChangeMessage>> batch, OutputReceiver<CommitReport> out) {
      List<ChangeMessage> all = new ArrayList<>();
      batch.getValue().forEach(all::add);
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
      for (ChangeMessage m : all) {
        lag.update(Math.max(0, report.committedAtMillis() - m.arrivalMillis()));
        readLag.update(Math.max(0, report.committedAtMillis() - m.readMillis()));
      }
      lastLag.set(Math.max(0, report.committedAtMillis() - report.minArrivalMillis()));
      out.output(report);
    }
  }
}
