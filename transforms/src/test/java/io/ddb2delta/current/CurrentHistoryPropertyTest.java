package io.ddb2delta.current;

import static io.ddb2delta.current.CurrentTablePropertyTest.BASE_MICROS;
import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.Op;
import io.ddb2delta.current.CurrentTablePropertyTest.Step;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@code orders_history} by {@link HistoryTable#merge}, on real Delta tables: any permutation and
 * duplication of a DynamoDB Streams change log, split into any number of batches, in files of any
 * size, gives the history of the changes that arrived, in the order they happened; so does an
 * export snapshot taken between any two changes, with the stream read from any point at or before
 * the first change after it, interleaved in any way, while the changes' times are rounded down to
 * the second or the minute as DynamoDB rounds them. The expected history is the test's own model:
 * each key's distinct changes sorted as they happened (by time, an export row standing a minute
 * before its export time and after a change of the same time, then by sequence number), folded into
 * rows whose validity ends where the next one's begins. The log and snapshot are those of {@link
 * CurrentTablePropertyTest}; the table is read back by parquet-avro.
 */
class CurrentHistoryPropertyTest {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");

  @Provide
  Arbitrary<List<Step>> logs() {
    return CurrentTablePropertyTest.stepLogs();
  }

  @Provide
  Arbitrary<Long> gaps() {
    return Arbitraries.of(300_000L, 7_000_000L, 25_000_000L);
  }

  @Provide
  Arbitrary<Long> precisions() {
    return Arbitraries.of(1_000_000L, 60_000_000L);
  }

  /** Files of a byte make every batch's new keys files of their own: many key ranges. */
  @Provide
  Arbitrary<Long> fileSizes() {
    return Arbitraries.of(1L, 1L << 20);
  }

  @Property(tries = 60)
  void anyArrivalOfTheLogAndOfAnExportGivesTheHistoryOfItsChangesInOrder(
      @ForAll("logs") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 6) int batches,
      @ForAll @IntRange(min = 0, max = 3) int duplicates,
      @ForAll("gaps") long gapMicros,
      @ForAll("precisions") long precisionMicros,
      @ForAll("fileSizes") long targetFileBytes,
      @ForAll boolean withExport,
      @ForAll @IntRange(min = 0, max = 24) int exportAfter,
      @ForAll Random random)
      throws IOException {
    List<ChangeRecord> log = CurrentTablePropertyTest.changes(steps, gapMicros, precisionMicros);
    List<ChangeRecord> arriving = new ArrayList<>(log);
    if (withExport) {
      int firstAfter = Math.min(exportAfter, log.size());
      long exportMicros = BASE_MICROS + firstAfter * gapMicros - gapMicros / 2;
      exportMicros -= Math.floorMod(exportMicros, 1_000_000L);
      arriving = new ArrayList<>(log.subList(random.nextInt(firstAfter + 1), log.size()));
      arriving.addAll(CurrentTablePropertyTest.snapshot(log.subList(0, firstAfter), exportMicros));
    }
    Collection<ChangeRecord> arrived = new LinkedHashSet<>(arriving);
    // Nothing may arrive: an export after every key was removed, and the stream read from its end.
    for (int d = 0; d < duplicates && !arriving.isEmpty(); d++) {
      arriving.add(arriving.get(random.nextInt(arriving.size())));
    }
    Collections.shuffle(arriving, random);

    Path root = Files.createTempDirectory("history-property");
    try {
      HistoryTable table = new HistoryTable(ORDERS);
      MergeCurrent.createTables(root.toString(), List.of(ORDERS));
      KeyedUpsert upsert = table.upsert(root.toString(), targetFileBytes);
      int size = (arriving.size() + batches - 1) / batches;
      for (int b = 0; b * size < arriving.size(); b++) {
        List<KeyedUpsert.Change> batch = new ArrayList<>();
        for (ChangeRecord r :
            arriving.subList(b * size, Math.min(arriving.size(), (b + 1) * size))) {
          batch.add(table.change(upsert, CurrentTablePropertyTest.decoded(r), BASE_MICROS));
        }
        table.merge(upsert, "property", b, batch, BASE_MICROS);
      }
      assertThat(OrdersCurrentRows.history(root.resolve(table.name()))).isEqualTo(inOrder(arrived));
    } finally {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * The model: each key's distinct changes in the order they happened, one row each, as {@link
   * OrdersCurrentRows#history} shows them.
   */
  private static Map<String, List<String>> inOrder(Collection<ChangeRecord> arrived) {
    Map<String, List<ChangeRecord>> byKey = new TreeMap<>();
    for (ChangeRecord r : arrived) {
      byKey
          .computeIfAbsent(
              ((DynamoValue.S) r.keys().get("order_id")).value(), k -> new ArrayList<>())
          .add(r);
    }
    Comparator<ChangeRecord> happened =
        Comparator.comparingLong(CurrentHistoryPropertyTest::standing)
            .thenComparing(r -> r.op() == Op.SNAPSHOT)
            .thenComparingLong(
                r -> r.op() == Op.SNAPSHOT ? 0 : Long.parseLong(r.position().offset()));
    Map<String, List<String>> rows = new TreeMap<>();
    byKey.forEach(
        (id, changes) -> {
          changes.sort(happened);
          rows.put(id, OrdersCurrentRows.expectedHistory(changes));
        });
    return rows;
  }

  /** When a change stands in its item's order: an export's row a minute before the export. */
  private static long standing(ChangeRecord r) {
    return r.eventTimeMicros() - (r.op() == Op.SNAPSHOT ? 60_000_000L : 0);
  }
}
