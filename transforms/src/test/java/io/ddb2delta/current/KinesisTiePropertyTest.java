package io.ddb2delta.current;

import static io.ddb2delta.current.CurrentTablePropertyTest.BASE_MICROS;
import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.current.CurrentTablePropertyTest.Step;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Kinesis Data Streams for DynamoDB changes that share a millisecond, on real Delta tables: the
 * Kinesis sequence numbers are shuffled (Kinesis may deliver an item's changes in any order), the
 * records duplicated, shuffled and split into any number of batches, and still:
 *
 * <ul>
 *   <li>{@code orders_current} is the log applied in order, when at most two changes of an item
 *       share a millisecond;
 *   <li>{@code orders_history} holds every change with the validity of the log's order, when up to
 *       four do.
 * </ul>
 *
 * <p>Only the images tell the order apart. Every change writes an amount of its own, so an item
 * never returns to an image it had; an item's creating INSERT is the last change of that item in
 * its millisecond, since nothing older anchors the first changes of an item (an insert and a delete
 * of the same image link either way round). The expected tables are the test's model of the log in
 * order; the tables are read back by parquet-avro.
 */
class KinesisTiePropertyTest {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");

  @Provide
  Arbitrary<List<Step>> logs() {
    return CurrentTablePropertyTest.stepLogs();
  }

  @Property(tries = 60)
  void twoChangesOfAnItemInOneMillisecondLeaveTheCurrentTableOfTheLogInOrder(
      @ForAll("logs") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 6) int batches,
      @ForAll @IntRange(min = 0, max = 4) int duplicates,
      @ForAll Random random)
      throws IOException {
    List<ChangeRecord> log = kinesisLog(steps, 2, random);
    List<ChangeRecord> arriving = arrival(log, duplicates, random);
    Path root = Files.createTempDirectory("kinesis-ties");
    try {
      CurrentTable table = new CurrentTable(ORDERS);
      MergeCurrent.createTables(root.toString(), List.of(ORDERS));
      KeyedUpsert upsert = table.upsert(root.toString(), 1L << 20);
      List<List<ChangeRecord>> split = split(arriving, batches);
      for (int b = 0; b < split.size(); b++) {
        List<KeyedUpsert.Change> batch = new ArrayList<>();
        for (ChangeRecord r : split.get(b)) {
          batch.add(table.change(upsert, CurrentTablePropertyTest.decoded(r), BASE_MICROS));
        }
        upsert.apply("property", b, batch);
      }
      assertThat(OrdersCurrentRows.read(root.resolve(table.name()))).isEqualTo(lastOf(log));
    } finally {
      delete(root);
    }
  }

  @Property(tries = 60)
  void upToFourChangesOfAnItemInOneMillisecondKeepTheHistoryOfTheLogInOrder(
      @ForAll("logs") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 4) int tie,
      @ForAll @IntRange(min = 1, max = 6) int batches,
      @ForAll @IntRange(min = 0, max = 4) int duplicates,
      @ForAll Random random)
      throws IOException {
    List<ChangeRecord> log = kinesisLog(steps, tie, random);
    List<ChangeRecord> arriving = arrival(log, duplicates, random);
    Path root = Files.createTempDirectory("kinesis-ties-history");
    try {
      HistoryTable table = new HistoryTable(ORDERS);
      MergeCurrent.createTables(root.toString(), List.of(ORDERS));
      KeyedUpsert upsert = table.upsert(root.toString(), 1L << 20);
      List<List<ChangeRecord>> split = split(arriving, batches);
      for (int b = 0; b < split.size(); b++) {
        List<KeyedUpsert.Change> batch = new ArrayList<>();
        for (ChangeRecord r : split.get(b)) {
          batch.add(table.change(upsert, CurrentTablePropertyTest.decoded(r), BASE_MICROS));
        }
        table.merge(upsert, "property", b, batch, BASE_MICROS);
      }
      Map<String, List<String>> rows = new TreeMap<>();
      OrdersCurrentRows.history(root.resolve(table.name()))
          .forEach((id, r) -> rows.put(id, sorted(r)));
      assertThat(rows).isEqualTo(historyOf(log));
    } finally {
      delete(root);
    }
  }

  /**
   * The steps as Kinesis records of an item's full images, up to {@code tie} to a millisecond (an
   * item's creating INSERT last of its item in its millisecond), each with an amount of its own,
   * carried by records whose sequence numbers are shuffled.
   */
  private static List<ChangeRecord> kinesisLog(List<Step> steps, int tie, Random random) {
    List<Step> effective = CurrentTablePropertyTest.effective(steps);
    List<Integer> sequences = new ArrayList<>();
    for (int i = 0; i < effective.size(); i++) {
      sequences.add(49_000 + i);
    }
    Collections.shuffle(sequences, random);
    Map<Integer, Map<String, DynamoValue>> images = new HashMap<>();
    Set<Integer> createdThisMilli = new HashSet<>();
    long milli = 0;
    int inMilli = 0;
    List<ChangeRecord> out = new ArrayList<>();
    for (int i = 0; i < effective.size(); i++) {
      Step s = effective.get(i);
      if (inMilli == tie || createdThisMilli.contains(s.key())) {
        milli++;
        inMilli = 0;
        createdThisMilli.clear();
      }
      inMilli++;
      Map<String, DynamoValue> before = images.get(s.key());
      Map<String, DynamoValue> after = s.remove() ? null : item(s.key(), i + 1, s.status());
      Op op = s.remove() ? Op.REMOVE : before == null ? Op.INSERT : Op.MODIFY;
      if (op == Op.INSERT) {
        createdThisMilli.add(s.key());
      }
      out.add(
          new ChangeRecord(
              "orders",
              op,
              Map.of("order_id", new DynamoValue.S("o" + s.key())),
              after,
              before,
              BASE_MICROS + milli * 1000,
              "event-" + i,
              new SourcePosition(
                  SourceKind.KINESIS,
                  "orders-cdc",
                  "shardId-000000000000",
                  Integer.toString(sequences.get(i)))));
      if (after == null) {
        images.remove(s.key());
      } else {
        images.put(s.key(), after);
      }
    }
    return out;
  }

  private static Map<String, DynamoValue> item(int key, int cents, String status) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", new DynamoValue.S("o" + key));
    item.put("amount", DynamoValue.N.of(BigDecimal.valueOf(cents, 2)));
    item.put("status", new DynamoValue.S(status));
    item.put("customer_id", new DynamoValue.S("c" + key));
    return item;
  }

  private static List<ChangeRecord> arrival(List<ChangeRecord> log, int duplicates, Random random) {
    List<ChangeRecord> arriving = new ArrayList<>(log);
    for (int d = 0; d < duplicates; d++) {
      arriving.add(arriving.get(random.nextInt(arriving.size())));
    }
    Collections.shuffle(arriving, random);
    return arriving;
  }

  private static List<List<ChangeRecord>> split(List<ChangeRecord> arriving, int batches) {
    int size = (arriving.size() + batches - 1) / batches;
    List<List<ChangeRecord>> out = new ArrayList<>();
    for (int b = 0; b * size < arriving.size(); b++) {
      out.add(arriving.subList(b * size, Math.min(arriving.size(), (b + 1) * size)));
    }
    return out;
  }

  /** The model of the current table: each key's last change, "status amount", or nothing. */
  private static Map<String, String> lastOf(List<ChangeRecord> log) {
    Map<String, String> state = new TreeMap<>();
    for (ChangeRecord r : log) {
      String id = ((DynamoValue.S) r.keys().get("order_id")).value();
      if (r.newImage() == null) {
        state.remove(id);
      } else {
        state.put(id, OrdersCurrentRows.describe(r.newImage()));
      }
    }
    return state;
  }

  /** The model of the history: each key's changes in log order, as {@link OrdersCurrentRows}. */
  private static Map<String, List<String>> historyOf(List<ChangeRecord> log) {
    Map<String, List<ChangeRecord>> byKey = new TreeMap<>();
    for (ChangeRecord r : log) {
      byKey
          .computeIfAbsent(
              ((DynamoValue.S) r.keys().get("order_id")).value(), k -> new ArrayList<>())
          .add(r);
    }
    Map<String, List<String>> rows = new TreeMap<>();
    byKey.forEach(
        (id, changes) -> {
          rows.put(id, sorted(OrdersCurrentRows.expectedHistory(changes)));
        });
    return rows;
  }

  /**
   * Rows of one millisecond have no order a reader can see but their validity, which each row's
   * text holds, so rows are compared as sorted lists.
   */
  private static List<String> sorted(List<String> rows) {
    List<String> out = new ArrayList<>(rows);
    Collections.sort(out);
    return out;
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
