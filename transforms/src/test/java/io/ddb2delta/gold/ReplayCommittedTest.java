package io.ddb2delta.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.cdc.DecodedMessage;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaFileWriter;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that starts over tables an earlier run wrote: the first changes of the change log are in
 * bronze, the stream delivers the rest and two of the committed ones again, and a stored hourly row
 * carries a stale value at a high version. Its gold is the hand-worked gold of the whole log.
 */
class ReplayCommittedTest implements Serializable {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");
  private static final long STORED_VERSION = 4_000_000_000_000_000_000L;
  private static final long HOUR_10 = 1_796_119_200_000_000L; // 2026-12-01T10:00:00Z

  @TempDir transient Path root;

  @Test
  void aRestartedJobsGoldIsThatOfTheWholeChangeLog() {
    List<DecodedMessage> log = AggregateGoldTest.changeLog();
    commitToBronze(log.subList(0, 4));
    WriteGold.createTables(root.toString());
    KeyedUpsert hourly =
        KeyedUpsert.into(
                DeltaTargets.pathOf(root.toString(), GoldTable.HOURLY_METRICS.tableName()),
                GoldTable.HOURLY_METRICS.schema(),
                GoldTable.HOURLY_METRICS.keyColumns())
            .withVersionColumn("_version");
    hourly.apply(
        "earlier-run#gold",
        1,
        List.of(
            hourly.put(
                new Object[] {
                  HOUR_10,
                  7L,
                  new BigDecimal("70.00"),
                  new BigDecimal("10.00"),
                  7L,
                  STORED_VERSION,
                  0L
                })));

    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<GoldRow> rows =
        p.apply(Create.of(log.subList(2, log.size())).withCoder(OrderChanges.CODER))
            .apply(AggregateGold.of(ORDERS).withCommittedChangesOf(root.toString()));
    PAssert.that(rows)
        .satisfies(
            all -> {
              assertThat(GoldRows.latest(all)).isEqualTo(AggregateGoldTest.expectedGold());
              long newest = Long.MIN_VALUE;
              for (GoldRow r : all) {
                if (GoldRows.key(r).equals("orders_hourly_metrics 2026-12-01T10:00:00Z")) {
                  newest = Math.max(newest, r.version());
                }
              }
              assertThat(newest).as("above the stored row's version").isGreaterThan(STORED_VERSION);
              return null;
            });
    p.run().waitUntilFinish();
  }

  private void commitToBronze(List<DecodedMessage> changes) {
    String path = DeltaTargets.pathOf(root.toString(), BronzeTable.NAME);
    DeltaTable bronze = DeltaTable.forPath(path);
    bronze.createIfAbsent(BronzeTable.NAME, BronzeTable.SCHEMA, Map.of());
    List<DataFile> files;
    try (DeltaFileWriter w = DeltaFileWriter.create(path, BronzeTable.SCHEMA)) {
      changes.forEach(m -> w.write(BronzeTable.row(m.change().record(), null, 0L)));
      files = w.finish();
    }
    bronze.commit("earlier-run#0", 1, files, DeltaTable.WRITE, Map.of());
  }
}
