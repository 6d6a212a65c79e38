package io.ddb2delta.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.data.CloseableIterator;
import io.delta.standalone.data.RowRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaTableTest {

  private static final String APP = "ddb2delta-orders";

  @TempDir Path root;

  private static final DeltaTableSchema SMALL =
      new DeltaTableSchema(
          List.of(
              DeltaColumn.required("order_id", DeltaType.STRING),
              DeltaColumn.of("amount", new DeltaType.Decimal(10, 2))),
          List.of());

  private List<DataFile> write(DeltaTableSchema schema, List<Object[]> rows) {
    try (DeltaFileWriter w = DeltaFileWriter.create(root.toString(), schema)) {
      rows.forEach(w::write);
      return w.finish();
    }
  }

  private List<DataFile> twoOrders() {
    return write(
        SMALL,
        List.of(
            new Object[] {"o-1", new BigDecimal("1.00")},
            new Object[] {"o-2", new BigDecimal("2.50")}));
  }

  private DeltaTable created() {
    DeltaTable table = DeltaTable.forPath(root.toString());
    table.createIfAbsent("orders", SMALL, Map.of());
    return table;
  }

  private Map<String, RowRecord> readBack() throws IOException {
    Map<String, RowRecord> rows = new HashMap<>();
    DeltaLog log = DeltaLog.forTable(new Configuration(), root.toString());
    try (CloseableIterator<RowRecord> it = log.update().open()) {
      while (it.hasNext()) {
        RowRecord r = it.next();
        rows.put(r.getString("order_id"), r);
      }
    }
    return rows;
  }

  @Test
  void writesEveryTypeAndDeltaStandaloneReadsItBack() throws IOException {
    DeltaTable table = DeltaTable.forPath(root.toString());
    table.createIfAbsent("orders", EveryTypeRows.SCHEMA, Map.of());
    List<DataFile> files = write(EveryTypeRows.SCHEMA, EveryTypeRows.ROWS);

    CommitResult result = table.commit(APP, 0, files, DeltaTable.WRITE, Map.of());

    assertThat(result).isEqualTo(CommitResult.newVersion(1, 3, 3));
    Map<String, RowRecord> rows = readBack();
    assertThat(rows).containsOnlyKeys("o-1", "o-2", "o-3");

    RowRecord first = rows.get("o-1");
    // delta-standalone's reader returns decimals at scale 18, so compare values, not scales.
    assertThat(first.getBigDecimal("amount")).isEqualByComparingTo("12.34");
    assertThat(first.getBigDecimal("big_amount"))
        .isEqualByComparingTo("12345678901234567890.123456");
    assertThat(first.getLong("quantity")).isEqualTo(5L);
    assertThat(first.getInt("line_count")).isEqualTo(2);
    assertThat(first.getDouble("score")).isEqualTo(1.5);
    assertThat(first.getBoolean("gift")).isTrue();
    assertThat(first.getBinary("payload")).containsExactly(1, 2, 3);
    // delta-standalone's RowRecord decodes only INT96 timestamps, not the INT64 microseconds
    // Spark and Databricks read; DeltaFileWriterTest checks the timestamp values instead.
    assertThat(first.getDate("ship_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 3, 5));
    assertThat(first.<String>getList("tags")).containsExactly("a", null, "b");
    assertThat(first.<String, String>getMap("attributes"))
        .containsEntry("colour", "red")
        .containsEntry("size", null)
        .hasSize(2);
    assertThat(first.getDate("event_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 3, 1));

    RowRecord allNull = rows.get("o-2");
    for (String column :
        List.of(
            "amount",
            "big_amount",
            "quantity",
            "line_count",
            "score",
            "gift",
            "payload",
            "created_at",
            "ship_date",
            "tags",
            "attributes",
            "event_date")) {
      assertThat(allNull.isNullAt(column)).as(column).isTrue();
    }

    RowRecord third = rows.get("o-3");
    assertThat(third.getBigDecimal("amount")).isEqualByComparingTo("-99999999.99");
    assertThat(third.getBigDecimal("big_amount")).isEqualByComparingTo("-0.000001");
    assertThat(third.getDate("ship_date").toLocalDate()).isEqualTo(LocalDate.of(1900, 1, 1));
    assertThat(third.getBinary("payload")).isEmpty();
    assertThat(third.<String>getList("tags")).isEmpty();
  }

  @Test
  void readsBackFilesUnderEscapedPartitionDirectories() throws IOException {
    DeltaTableSchema schema =
        new DeltaTableSchema(
            List.of(
                DeltaColumn.required("order_id", DeltaType.STRING),
                DeltaColumn.of("region", DeltaType.STRING)),
            List.of("region"));
    DeltaTable table = DeltaTable.forPath(root.toString());
    table.createIfAbsent("orders", schema, Map.of());

    table.commit(
        APP,
        0,
        write(schema, List.of(new Object[] {"o-1", "eu west/1:a%"}, new Object[] {"o-2", null})),
        DeltaTable.WRITE,
        Map.of());

    Map<String, RowRecord> rows = readBack();
    assertThat(rows.get("o-1").getString("region")).isEqualTo("eu west/1:a%");
    assertThat(rows.get("o-2").isNullAt("region")).isTrue();
  }

  @Test
  void commitTwiceIsANoOp() {
    DeltaTable table = created();
    List<DataFile> batch = twoOrders();
    CommitResult first = table.commit(APP, 7, batch, DeltaTable.WRITE, Map.of());

    // The same batch again, as during recovery.
    CommitResult again = table.commit(APP, 7, batch, DeltaTable.WRITE, Map.of());

    assertThat(first).isEqualTo(CommitResult.newVersion(1, 1, 2));
    assertThat(again).isEqualTo(CommitResult.alreadyCommitted(1));
    assertThat(table.version()).isEqualTo(1);
    assertThat(table.numRecords()).isEqualTo(2);
    assertThat(table.txnVersion(APP)).isEqualTo(7);
  }

  @Test
  void aLowerVersionIsANoOpAndAHigherOneCommits() {
    DeltaTable table = created();
    table.commit(APP, 7, twoOrders(), DeltaTable.WRITE, Map.of());

    CommitResult lower = table.commit(APP, 6, twoOrders(), DeltaTable.WRITE, Map.of());
    CommitResult higher = table.commit(APP, 8, twoOrders(), DeltaTable.STREAMING_UPDATE, Map.of());

    assertThat(lower.committed()).isFalse();
    assertThat(higher).isEqualTo(CommitResult.newVersion(2, 1, 2));
    assertThat(table.numRecords()).isEqualTo(4);
    assertThat(table.txnVersion(APP)).isEqualTo(8);
  }

  @Test
  void anotherAppIdHasItsOwnVersions() {
    DeltaTable table = created();
    table.commit(APP, 7, twoOrders(), DeltaTable.WRITE, Map.of());

    CommitResult other = table.commit("other-app", 1, twoOrders(), DeltaTable.WRITE, Map.of());

    assertThat(other.committed()).isTrue();
    assertThat(table.txnVersion(APP)).isEqualTo(7);
    assertThat(table.txnVersion("other-app")).isEqualTo(1);
    assertThat(table.txnVersion("never-committed")).isEqualTo(-1);
  }

  @Test
  void anEmptyBatchStillRecordsTheTransactionAndItsTags() {
    DeltaTable table = created();

    CommitResult result =
        table.commit(
            APP, 3, List.of(), DeltaTable.STREAMING_UPDATE, Map.of("shard-0001", "49590338271"));

    assertThat(result).isEqualTo(CommitResult.newVersion(1, 0, 0));
    assertThat(table.txnVersion(APP)).isEqualTo(3);
    assertThat(table.lastCommitTags(APP)).contains(Map.of("shard-0001", "49590338271"));
  }

  @Test
  void readsBackTheTagsOfTheAppsLatestCommit() {
    DeltaTable table = created();
    table.commit(APP, 1, twoOrders(), DeltaTable.WRITE, Map.of("exportId", "e-1", "file", "3"));
    table.commit(APP, 2, twoOrders(), DeltaTable.WRITE, Map.of("exportId", "e-1", "file", "4"));
    table.commit("other-app", 1, twoOrders(), DeltaTable.WRITE, Map.of("x", "y"));

    assertThat(table.lastCommitTags(APP)).contains(Map.of("exportId", "e-1", "file", "4"));
    assertThat(table.lastCommitTags("other-app")).contains(Map.of("x", "y"));
    assertThat(table.lastCommitTags("never-committed")).isEmpty();
  }

  @Test
  void createsAProtocol12TableOnceAndAcceptsTheSameSchemaAgain() throws IOException {
    DeltaTable table = DeltaTable.forPath(root.toString());
    assertThat(table.exists()).isFalse();
    assertThat(table.version()).isEqualTo(-1);

    table.createIfAbsent("orders", SMALL, Map.of("delta.checkpointInterval", "10"));
    table.createIfAbsent("orders", SMALL, Map.of());

    assertThat(table.exists()).isTrue();
    assertThat(table.version()).isZero();
    String log = Files.readString(root.resolve("_delta_log/00000000000000000000.json"));
    assertThat(log).contains("{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}");
    assertThat(log).contains("\"engineInfo\":\"ddb2delta/");
  }

  @Test
  void refusesAnExistingTableWithAnotherSchemaNamingTheColumn() {
    created();
    DeltaTableSchema other =
        new DeltaTableSchema(
            List.of(
                DeltaColumn.required("order_id", DeltaType.STRING),
                DeltaColumn.of("amount", DeltaType.DOUBLE)),
            List.of());

    assertThatThrownBy(
            () -> DeltaTable.forPath(root.toString()).createIfAbsent("orders", other, Map.of()))
        .isInstanceOf(DeltaTableException.class)
        .hasMessageContaining("column \"amount\" is decimal(10,2) in the table but double");
  }

  @Test
  void refusesAnExistingTableWithAnotherPartitioning() {
    created();
    DeltaTableSchema partitioned = new DeltaTableSchema(SMALL.columns(), List.of("order_id"));

    assertThatThrownBy(
            () ->
                DeltaTable.forPath(root.toString()).createIfAbsent("orders", partitioned, Map.of()))
        .isInstanceOf(DeltaTableException.class)
        .hasMessageContaining("partitioned by [] but the mapping by [order_id]");
  }

  @Test
  void aProtocol37TableFailsFast() throws IOException {
    Path table = copyFixture("protocol-3-7-table");

    assertThatThrownBy(() -> DeltaTable.forPath(table.toString()).checkWritable())
        .isInstanceOf(DeltaTableException.class)
        .hasMessageContaining("uses Delta protocol (3,7)")
        .hasMessageContaining("ddb2delta writes protocol (1,2) tables it creates itself")
        .hasMessageContaining("point --deltaRoot at a new location");
    assertThatThrownBy(
            () -> DeltaTable.forPath(table.toString()).createIfAbsent("orders", SMALL, Map.of()))
        .isInstanceOf(DeltaTableException.class)
        .hasMessageContaining("(3,7)");
  }

  @Test
  void aTableWithWriterFeaturesFailsBeforeWriting() throws IOException {
    Path table = copyFixture("protocol-1-7-table");
    DeltaTable delta = DeltaTable.forPath(table.toString());

    assertThatThrownBy(delta::checkWritable)
        .isInstanceOf(DeltaTableException.class)
        .hasMessageContaining("uses Delta protocol (1,7)");
    assertThatThrownBy(() -> delta.commit(APP, 1, List.of(), DeltaTable.WRITE, Map.of()))
        .isInstanceOf(DeltaTableException.class)
        .hasMessageContaining("(1,7)");
    assertThat(delta.version()).isZero();
  }

  @Test
  void refusesAnUnknownOperation() {
    DeltaTable table = created();

    assertThatThrownBy(() -> table.commit(APP, 1, List.of(), "MERGE", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MERGE");
  }

  @Test
  void staysReadableAcrossCheckpoints() throws IOException {
    DeltaTable table = created();
    long expectedRecords = 0;
    for (long batch = 1; batch <= 12; batch++) {
      List<Object[]> rows = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        rows.add(new Object[] {"o-" + batch + "-" + i, new BigDecimal("1.00")});
      }
      expectedRecords += batch;
      table.commit(APP, batch, write(SMALL, rows), DeltaTable.WRITE, Map.of());
    }

    assertThat(root.resolve("_delta_log/00000000000000000010.checkpoint.parquet")).exists();
    DeltaTable reopened = DeltaTable.forPath(root.toString());
    assertThat(reopened.version()).isEqualTo(12);
    assertThat(reopened.txnVersion(APP)).isEqualTo(12);
    assertThat(reopened.numRecords()).isEqualTo(78);
    assertThat(expectedRecords).isEqualTo(78);
    assertThat(readBack()).hasSize(78);
    assertThat(reopened.commit(APP, 12, List.of(), DeltaTable.WRITE, Map.of()).committed())
        .isFalse();
  }

  private Path copyFixture(String name) throws IOException {
    Path source = Paths.get("src/test/resources/delta", name);
    Path target = root.resolve(name);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.copy(p, target.resolve(source.relativize(p).toString()));
      }
    }
    return target;
  }

  @Test
  void aRewriteThatLosesToAConcurrentCommitIsPlannedAgainOnTheNewVersion() throws IOException {
    DeltaTable table = created();
    table.commit(APP, 0, twoOrders(), DeltaTable.WRITE, Map.of());
    List<Integer> seen = new ArrayList<>();

    CommitResult result =
        table.rewrite(
            "rewrite-app",
            0,
            Map.of(),
            3,
            files -> {
              seen.add(files.size());
              if (seen.size() == 1) {
                // Another writer appends between this plan's read and its commit.
                DeltaTable.forPath(root.toString())
                    .commit(
                        "other-writer",
                        0,
                        write(
                            SMALL, List.<Object[]>of(new Object[] {"o-3", new BigDecimal("3.00")})),
                        DeltaTable.WRITE,
                        Map.of());
              }
              DataFile twoOrders =
                  files.stream().filter(f -> f.numRecords() == 2).findFirst().orElseThrow();
              return new DeltaTable.Rewrite(List.of(twoOrders), List.of(), Map.of());
            });

    assertThat(seen).containsExactly(1, 2);
    assertThat(result.committed()).isTrue();
    // The first file (o-1 and o-2) is gone; the concurrent append survived the retried plan.
    assertThat(readBack()).containsOnlyKeys("o-3");
    assertThat(table.txnVersion("rewrite-app")).isZero();
  }
}
