package io.ddb2delta.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.CommitInfo;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KeyedUpsert} against real delta-standalone tables, read back by delta-standalone (the
 * files) and parquet-avro (their rows); the expected rows are written out by hand.
 */
class KeyedUpsertTest {
  private static final String APP = "gold-test";

  /** A gold-like table: a window and an event type as the key, a count, a sum and a version. */
  private static final DeltaTableSchema GOLD =
      new DeltaTableSchema(
          List.of(
              DeltaColumn.required("window_start", DeltaType.TIMESTAMP),
              DeltaColumn.required("event_type", DeltaType.STRING),
              DeltaColumn.of("event_count", DeltaType.LONG),
              DeltaColumn.of("total_amount", new DeltaType.Decimal(18, 2)),
              DeltaColumn.required("_version", DeltaType.LONG)),
          List.of());

  private static final long W0 = EveryTypeRows.micros("2026-12-03T10:00:00Z");
  private static final long W1 = EveryTypeRows.micros("2026-12-03T10:05:00Z");
  private static final long W2 = EveryTypeRows.micros("2026-12-03T10:10:00Z");

  @TempDir Path root;

  private KeyedUpsert upsert() {
    DeltaTable.forPath(root.toString()).createIfAbsent("orders_windowed_metrics", GOLD, Map.of());
    return KeyedUpsert.into(root.toString(), GOLD, List.of("window_start", "event_type"))
        .withVersionColumn("_version");
  }

  private static Object[] row(long window, String type, long count, String total, long version) {
    return new Object[] {window, type, count, new BigDecimal(total), version};
  }

  /**
   * The table: delta-standalone lists its files, parquet-avro reads their rows ("window|type" to
   * "count total version"); delta-standalone's own row reader cannot read INT64 timestamps.
   */
  private Map<String, String> table() throws IOException {
    Map<String, String> rows = new TreeMap<>();
    for (String path : filePaths()) {
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(new LocalInputFile(root.resolve(path)))
              .withDataModel(GenericData.get())
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          long micros = (Long) r.get("window_start");
          String key =
              Instant.ofEpochSecond(micros / 1_000_000) + "|" + r.get("event_type").toString();
          byte[] bytes = ((GenericFixed) r.get("total_amount")).bytes();
          String value =
              r.get("event_count")
                  + " "
                  + new BigDecimal(new BigInteger(bytes), 2).toPlainString()
                  + " v"
                  + r.get("_version");
          assertThat(rows.put(key, value)).as("one row per key: " + key).isNull();
        }
      }
    }
    return rows;
  }

  private List<String> filePaths() {
    List<String> paths = new ArrayList<>();
    for (AddFile f :
        DeltaLog.forTable(new Configuration(), root.toString()).update().getAllFiles()) {
      paths.add(f.getPath());
    }
    return paths;
  }

  @Test
  void putsAddNewKeysReplaceExistingOnesAndDeletesRemoveThem() throws IOException {
    KeyedUpsert upsert = upsert();
    upsert.apply(
        APP,
        0,
        List.of(
            upsert.put(row(W0, "INSERT", 3, "30.00", 1)),
            upsert.put(row(W0, "MODIFY", 1, "5.50", 1)),
            upsert.put(row(W1, "INSERT", 2, "12.00", 1))));

    KeyedUpsert.Result r =
        upsert.apply(
            APP,
            1,
            List.of(
                upsert.put(row(W0, "INSERT", 4, "41.25", 2)),
                upsert.delete(List.of(W0, "MODIFY"), 2),
                upsert.put(row(W2, "REMOVE", 1, "0.00", 1))));

    assertThat(table())
        .containsExactly(
            Map.entry("2026-12-03T10:00:00Z|INSERT", "4 41.25 v2"),
            Map.entry("2026-12-03T10:05:00Z|INSERT", "2 12.00 v1"),
            Map.entry("2026-12-03T10:10:00Z|REMOVE", "1 0.00 v1"));
    assertThat(r.commit().committed()).isTrue();
    assertThat(r.metrics())
        .containsEntry("numTargetRowsInserted", 1L)
        .containsEntry("numTargetRowsUpdated", 1L)
        .containsEntry("numTargetRowsDeleted", 1L)
        .containsEntry("numTargetRowsCopied", 1L)
        .containsEntry("numTargetFilesRemoved", 1L);
  }

  @Test
  void aRetriedBatchCommitsNothing() throws IOException {
    KeyedUpsert upsert = upsert();
    List<KeyedUpsert.Change> batch = List.of(upsert.put(row(W0, "INSERT", 3, "30.00", 1)));
    upsert.apply(APP, 0, batch);
    long version = DeltaTable.forPath(root.toString()).version();

    KeyedUpsert.Result again =
        upsert.apply(APP, 0, List.of(upsert.put(row(W0, "INSERT", 99, "99.00", 9))));

    assertThat(again.commit().committed()).isFalse();
    assertThat(DeltaTable.forPath(root.toString()).version()).isEqualTo(version);
    assertThat(table()).containsExactly(Map.entry("2026-12-03T10:00:00Z|INSERT", "3 30.00 v1"));
  }

  @Test
  void anOlderVersionNeitherReplacesNorDeletesANewerRow() throws IOException {
    KeyedUpsert upsert = upsert();
    upsert.apply(APP, 0, List.of(upsert.put(row(W0, "INSERT", 5, "50.00", 5))));

    upsert.apply(APP, 1, List.of(upsert.put(row(W0, "INSERT", 3, "30.00", 3))));
    upsert.apply(APP, 2, List.of(upsert.delete(List.of(W0, "INSERT"), 4)));
    assertThat(table()).containsExactly(Map.entry("2026-12-03T10:00:00Z|INSERT", "5 50.00 v5"));

    upsert.apply(APP, 3, List.of(upsert.delete(List.of(W0, "INSERT"), 6)));
    assertThat(table()).isEmpty();
  }

  @Test
  void ofOneBatchsChangesToAKeyTheNewestVersionCounts() throws IOException {
    KeyedUpsert upsert = upsert();

    upsert.apply(
        APP,
        0,
        List.of(
            upsert.put(row(W0, "INSERT", 7, "70.00", 7)),
            upsert.put(row(W0, "INSERT", 6, "60.00", 6)),
            upsert.put(row(W1, "INSERT", 1, "1.00", 1)),
            upsert.put(row(W1, "INSERT", 2, "2.00", 1))));

    assertThat(table())
        .containsExactly(
            Map.entry("2026-12-03T10:00:00Z|INSERT", "7 70.00 v7"),
            Map.entry("2026-12-03T10:05:00Z|INSERT", "2 2.00 v1"));
  }

  @Test
  void onlyAFileThatCanHoldAChangedKeyIsReadAndOnlyAChangedOneRewritten() throws IOException {
    // A target of 1 byte: no file is small enough to take the next batch's new keys.
    KeyedUpsert upsert = upsert().withTargetFileBytes(1);
    upsert.apply(APP, 0, List.of(upsert.put(row(W0, "INSERT", 1, "1.00", 1))));
    List<String> w0File = filePaths();
    upsert.apply(APP, 1, List.of(upsert.put(row(W1, "INSERT", 1, "1.00", 1))));
    List<String> w1File = new ArrayList<>(filePaths());
    w1File.removeAll(w0File);
    upsert.apply(APP, 2, List.of(upsert.put(row(W2, "INSERT", 1, "1.00", 1))));
    List<String> others = new ArrayList<>(filePaths());
    others.removeAll(w1File);
    assertThat(w0File).hasSize(1);
    assertThat(w1File).hasSize(1);
    assertThat(others).hasSize(2);

    KeyedUpsert.Result changed =
        upsert.apply(APP, 3, List.of(upsert.put(row(W1, "INSERT", 2, "3.00", 2))));
    KeyedUpsert.Result stale =
        upsert.apply(APP, 4, List.of(upsert.put(row(W2, "INSERT", 0, "0.00", 0))));

    assertThat(changed.metrics())
        .containsEntry("numTargetFilesBeforeSkipping", 3L)
        .containsEntry("numTargetFilesAfterSkipping", 1L)
        .containsEntry("numTargetFilesRemoved", 1L)
        .containsEntry("numTargetFilesAdded", 1L)
        .containsEntry("numTargetRowsCopied", 0L);
    assertThat(stale.metrics())
        .containsEntry("numTargetFilesAfterSkipping", 1L)
        .containsEntry("numTargetFilesRemoved", 0L)
        .containsEntry("numTargetFilesAdded", 0L);
    List<String> after = filePaths();
    assertThat(after).hasSize(3).containsAll(others).doesNotContainAnyElementsOf(w1File);
    assertThat(table())
        .containsEntry("2026-12-03T10:05:00Z|INSERT", "2 3.00 v2")
        .containsEntry("2026-12-03T10:10:00Z|INSERT", "1 1.00 v1");
  }

  @Test
  void theCommitRecordsDeltasMergeOperationAndItsMetrics() {
    KeyedUpsert upsert = upsert();
    upsert.apply(APP, 0, List.of(upsert.put(row(W0, "INSERT", 1, "1.00", 1))));

    DeltaLog log = DeltaLog.forTable(new Configuration(), root.toString());
    CommitInfo info = log.getCommitInfoAt(log.update().getVersion());
    assertThat(info.getOperation()).isEqualTo("MERGE");
    assertThat(info.getOperationMetrics().orElseThrow())
        .containsEntry("numTargetRowsInserted", "1")
        .containsEntry("numTargetFilesAdded", "1")
        .containsKeys("numTargetBytesAdded", "numTargetFilesBeforeSkipping");
  }

  @Test
  void aRangeMergeDecidesTheRowsOfTheRangesItsChangesFallInAndALeftAloneRangeStays()
      throws IOException {
    // A target of 1 byte: each window's rows are a key range of their own.
    KeyedUpsert upsert = upsert().withTargetFileBytes(1);
    upsert.apply(APP, 0, List.of(upsert.put(row(W0, "INSERT", 1, "1.00", 1))));
    upsert.apply(APP, 1, List.of(upsert.put(row(W1, "INSERT", 1, "1.00", 1))));
    upsert.apply(APP, 2, List.of(upsert.put(row(W2, "INSERT", 1, "1.00", 1))));
    List<String> seen = new ArrayList<>();
    // Each row's count becomes the number of rows its range holds: a row that depends on others.
    KeyedUpsert.RangeMerge counting =
        (existing, changes) -> {
          seen.add(existing.size() + " rows, " + changes.size() + " changes");
          List<Object[]> out = new ArrayList<>(existing);
          changes.forEach(c -> out.add(c.row()));
          List<Object[]> counted = new ArrayList<>();
          for (Object[] r : out) {
            Object[] copy = r.clone();
            copy[2] = (long) out.size();
            counted.add(copy);
          }
          return counted;
        };

    KeyedUpsert.Result result =
        upsert.apply(APP, 3, List.of(upsert.put(row(W1, "MODIFY", 0, "5.00", 2))), counting);

    assertThat(seen).containsExactly("1 rows, 1 changes");
    assertThat(result.metrics())
        .containsEntry("numTargetFilesAfterSkipping", 1L)
        .containsEntry("numTargetFilesRemoved", 1L)
        .containsEntry("numTargetRowsInserted", 1L)
        .containsEntry("numTargetRowsUpdated", 1L)
        .containsEntry("numTargetRowsCopied", 0L);
    Map<String, String> expected =
        Map.of(
            "2026-12-03T10:00:00Z|INSERT", "1 1.00 v1",
            "2026-12-03T10:05:00Z|INSERT", "2 1.00 v1",
            "2026-12-03T10:05:00Z|MODIFY", "2 5.00 v2",
            "2026-12-03T10:10:00Z|INSERT", "1 1.00 v1");
    assertThat(table()).isEqualTo(expected);

    // A merge that gives back the rows it was given rewrites nothing.
    seen.clear();
    KeyedUpsert.Result same =
        upsert.apply(
            APP,
            4,
            List.of(upsert.put(row(W1, "MODIFY", 0, "5.00", 2))),
            (existing, changes) -> existing);
    assertThat(same.metrics())
        .containsEntry("numTargetFilesRemoved", 0L)
        .containsEntry("numTargetFilesAdded", 0L);
    assertThat(table()).isEqualTo(expected);

    // New keys past the last range, with no small neighbour: the merge gets them alone.
    long w3 = EveryTypeRows.micros("2026-12-03T10:15:00Z");
    upsert.apply(APP, 5, List.of(upsert.put(row(w3, "INSERT", 0, "7.00", 1))), counting);
    assertThat(seen).containsExactly("0 rows, 1 changes");
    assertThat(table()).containsEntry("2026-12-03T10:15:00Z|INSERT", "1 7.00 v1").hasSize(5);
  }
}
