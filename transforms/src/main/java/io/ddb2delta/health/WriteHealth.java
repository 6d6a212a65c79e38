package io.ddb2delta.health;

import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaFileWriter;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.tables.DeltaTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;

/**
 * Appends {@link HealthRecord}s to {@code pipeline_health}, gathered for {@code flushInterval} so
 * that the table gets one small file per interval rather than one per commit.
 *
 * <p>Each append commits with {@code SetTransaction(<appId>#health, v)}, v being the newest commit
 * time (ms) among its rows: a retried pane is not appended twice. Building the transform creates
 * the table if it is missing.
 */
public final class WriteHealth extends PTransform<PCollection<HealthRecord>, PDone> {
  private final String deltaRoot;
  private final String appId;
  private final Duration flushInterval;

  private WriteHealth(String deltaRoot, String appId, Duration flushInterval) {
    this.deltaRoot = deltaRoot;
    this.appId = appId;
    this.flushInterval = flushInterval;
  }

  public static WriteHealth into(String deltaRoot, String appId) {
    return new WriteHealth(deltaRoot, appId, Duration.standardSeconds(5));
  }

  public WriteHealth withFlushInterval(Duration d) {
    return new WriteHealth(deltaRoot, appId, d);
  }

  /**
   * The records of several parts of the graph as one collection: each part's trigger (the
   * committers' own) is set aside first, as Flatten requires one; {@link WriteHealth} sets its own.
   */
  public static PCollection<HealthRecord> gather(PCollectionList<HealthRecord> parts) {
    PCollectionList<HealthRecord> reset = PCollectionList.empty(parts.getPipeline());
    for (int i = 0; i < parts.size(); i++) {
      reset =
          reset.and(
              parts
                  .get(i)
                  .apply(
                      "Reset trigger " + (i + 1),
                      Window.<HealthRecord>into(new GlobalWindows())
                          .triggering(DefaultTrigger.of())
                          .discardingFiredPanes()
                          .withAllowedLateness(Duration.ZERO)));
    }
    return reset
        .apply("Health records", Flatten.pCollections())
        .setCoder(SerializableCoder.of(HealthRecord.class));
  }

  @Override
  public PDone expand(PCollection<HealthRecord> records) {
    if (!flushInterval.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("flushInterval must be positive");
    }
    DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, HealthTable.NAME))
        .createIfAbsent(HealthTable.NAME, HealthTable.SCHEMA, Map.of());
    records
        .apply("Key for the health writer", WithKeys.of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(HealthRecord.class)))
        .apply(
            "Gather",
            Window.<KV<Integer, HealthRecord>>into(new GlobalWindows())
                .triggering(
                    Repeatedly.forever(
                        AfterProcessingTime.pastFirstElementInPane().plusDelayOf(flushInterval)))
                .discardingFiredPanes()
                .withAllowedLateness(Duration.ZERO))
        .apply("Group for the health writer", GroupByKey.create())
        .apply("Append", ParDo.of(new Append(deltaRoot, appId + "#health")));
    return PDone.in(records.getPipeline());
  }

  static final class Append extends DoFn<KV<Integer, Iterable<HealthRecord>>, Void> {
    private final String deltaRoot;
    private final String txnAppId;
    private transient DeltaTable table;

    Append(String deltaRoot, String txnAppId) {
      this.deltaRoot = deltaRoot;
      this.txnAppId = txnAppId;
    }

    @Setup
    public void setup() {
      table = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, HealthTable.NAME));
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<HealthRecord>> pane) {
      List<HealthRecord> rows = new ArrayList<>();
      pane.getValue().forEach(rows::add);
      if (rows.isEmpty()) {
        return;
      }
      long version = rows.stream().mapToLong(HealthRecord::committedAtMillis).max().orElseThrow();
      String root = DeltaTargets.pathOf(deltaRoot, HealthTable.NAME);
      if (table.txnVersion(txnAppId) >= version) {
        return;
      }
      List<DataFile> files;
      try (DeltaFileWriter w =
          new DeltaFileWriter(
              root, HealthTable.SCHEMA, DeltaFileWriter.DEFAULT_TARGET_FILE_SIZE, "part-health")) {
        rows.forEach(r -> w.write(r.row()));
        files = w.finish();
      }
      table.commit(txnAppId, version, files, DeltaTable.STREAMING_UPDATE, Map.of());
    }
  }
}
