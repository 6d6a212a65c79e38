package io.ddb2delta.current;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaTableException;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.tables.BronzeTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers on one {@code orders_current}, as two jobs merging into the same lake would be: each
 * MERGE that loses to the other's commit is planned again on the new version, so both converge on
 * the newer version of every key; one that cannot win within its attempts fails naming the table
 * and leaves it, and the files it wrote, as they were. The expected rows are written out by hand.
 */
class TwoWritersTest {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");
  private static final long T0 = 1_796_119_200_000_000L; // 2026-12-01T10:00:00Z
  private static final int KEYS = 12;

  @TempDir Path root;

  @Test
  void twoWritersMergingAtOnceConvergeOnTheNewerVersionOfEveryKey() throws Exception {
    MergeCurrent.createTables(root.toString(), List.of(ORDERS));
    CurrentTable table = new CurrentTable(ORDERS);
    // Writer a's change to every key happens at second 10 + k; writer b's at second 10 + k - 1 for
    // an even k (older: a's stays) and 10 + k + 1 for an odd k (newer: b's wins).
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<Void> a =
          CompletableFuture.runAsync(() -> mergeEachKey(table, "a", start, k -> 10 + k), pool);
      CompletableFuture<Void> b =
          CompletableFuture.runAsync(
              () -> mergeEachKey(table, "b", start, k -> k % 2 == 0 ? 9 + k : 11 + k), pool);
      start.countDown();
      CompletableFuture.allOf(a, b).get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    assertThat(OrdersCurrentRows.read(root.resolve("orders_current")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("o00", "a 0.00"),
                Map.entry("o01", "b 1.00"),
                Map.entry("o02", "a 2.00"),
                Map.entry("o03", "b 3.00"),
                Map.entry("o04", "a 4.00"),
                Map.entry("o05", "b 5.00"),
                Map.entry("o06", "a 6.00"),
                Map.entry("o07", "b 7.00"),
                Map.entry("o08", "a 8.00"),
                Map.entry("o09", "b 9.00"),
                Map.entry("o10", "a 10.00"),
                Map.entry("o11", "b 11.00")));
    DeltaTable current = DeltaTable.forPath(root.resolve("orders_current").toString());
    assertThat(current.txnVersion("writer-a")).isEqualTo(KEYS - 1);
    assertThat(current.txnVersion("writer-b")).isEqualTo(KEYS - 1);
  }

  @Test
  void aMergeThatKeepsLosingFailsNamingTheTableAndLeavesItAsItWas() throws IOException {
    MergeCurrent.createTables(root.toString(), List.of(ORDERS));
    CurrentTable table = new CurrentTable(ORDERS);
    KeyedUpsert first = table.upsert(root.toString(), 1L << 20);
    first.apply("writer-a", 0, List.of(put(table, first, "a", 0, 10)));
    Path tableDir = root.resolve("orders_current");
    DeltaTable current = DeltaTable.forPath(tableDir.toString());
    long before = current.version();
    List<String> filesBefore = parquetFiles(tableDir);

    // Every plan of this rewrite sees another writer commit before it can: it never wins.
    int[] plans = {0};
    assertThatThrownBy(
            () ->
                current.rewrite(
                    "writer-b",
                    0,
                    Map.of(),
                    3,
                    files -> {
                      plans[0]++;
                      KeyedUpsert other = table.upsert(root.toString(), 1L << 20);
                      other.apply(
                          "writer-c", plans[0], List.of(put(table, other, "c", plans[0], 20)));
                      return new DeltaTable.Rewrite(List.<DataFile>of(), List.of(), Map.of());
                    }))
        .isInstanceOf(DeltaTableException.class)
        .hasMessageContaining(tableDir.toString())
        .hasMessageContaining("writer-b version 0 lost to concurrent commits 3 times")
        .hasMessageContaining("the table is unchanged by it");

    assertThat(plans[0]).isEqualTo(3);
    // Only writer c's three commits landed; writer b committed nothing.
    assertThat(current.version()).isEqualTo(before + 3);
    assertThat(current.txnVersion("writer-b")).isEqualTo(-1);
    assertThat(OrdersCurrentRows.read(tableDir))
        .isEqualTo(Map.of("o00", "a 0.00", "o01", "c 1.00", "o02", "c 2.00", "o03", "c 3.00"));
    assertThat(parquetFiles(tableDir)).containsAll(filesBefore);
  }

  /** Merges one change of every key, one key per batch, as writer {@code name}'s job would. */
  private void mergeEachKey(
      CurrentTable table,
      String name,
      CountDownLatch start,
      java.util.function.IntUnaryOperator second) {
    KeyedUpsert upsert = table.upsert(root.toString(), 1L << 20);
    try {
      start.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    for (int k = 0; k < KEYS; k++) {
      upsert.apply("writer-" + name, k, List.of(put(table, upsert, name, k, second.applyAsInt(k))));
    }
  }

  /** An INSERT of order o{k} with status {@code writer} and amount k, at second {@code second}. */
  private static KeyedUpsert.Change put(
      CurrentTable table, KeyedUpsert upsert, String writer, int k, int second) {
    String id = String.format("o%02d", k);
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", new DynamoValue.S(id));
    item.put("amount", DynamoValue.N.of(k + ".00"));
    item.put("status", new DynamoValue.S(writer));
    ChangeRecord r =
        new ChangeRecord(
            "orders",
            Op.INSERT,
            Map.of("order_id", new DynamoValue.S(id)),
            item,
            null,
            T0 + second * 1_000_000L,
            writer + "-" + k,
            new SourcePosition(
                SourceKind.DYNAMODB_STREAMS,
                "arn:aws:dynamodb:local:000000000000:table/orders/stream/" + writer,
                "shardId-1",
                String.format("%021d", 100 + k)));
    KeyedUpsert.Change c =
        table.change(
            upsert,
            new DecodedChange(r, new BronzeTable.RawImages(null, null, null), null, false, null),
            T0);
    assertThat(c).isNotNull();
    return c;
  }

  private static List<String> parquetFiles(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".parquet"))
          .forEach(names::add);
    }
    return names;
  }
}
