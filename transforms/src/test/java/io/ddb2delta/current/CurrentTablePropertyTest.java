package io.ddb2delta.current;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.tables.BronzeTable;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@code orders_current} by {@link CurrentTable#upsert}, on real Delta tables: any permutation and
 * duplication of a DynamoDB Streams change log, split into any number of batches, gives the table
 * of the log applied in order; so does an export snapshot taken between any two changes, with the
 * stream read from any point at or before the first change after it, interleaved in any way, while
 * the changes' times are rounded down to the second or the minute as DynamoDB rounds them. The
 * expected table is the test's own model of the log: each key's last change, its item or nothing
 * for a REMOVE. The table is read back by parquet-avro.
 */
class CurrentTablePropertyTest {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");
  static final long BASE_MICROS = 1_796_000_000L * 1_000_000;

  /** One step of the log: a put of key {@code key} with an amount and status, or its removal. */
  record Step(int key, boolean remove, int cents, String status) {}

  @Provide
  Arbitrary<List<Step>> logs() {
    return stepLogs();
  }

  /** Logs of 1 to 24 steps over four keys, a third of them removals. */
  static Arbitrary<List<Step>> stepLogs() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(false, false, true),
                Arbitraries.integers().between(1, 99_999),
                Arbitraries.of("pending", "shipped", "cancelled"))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(24);
  }

  /** How far apart the changes happen: several in a second, or a few in a minute. */
  @Provide
  Arbitrary<Long> gaps() {
    return Arbitraries.of(300_000L, 7_000_000L, 25_000_000L);
  }

  /**
   * How DynamoDB rounds a change's time down: to the second (AWS) or the minute (DynamoDB Local).
   */
  @Provide
  Arbitrary<Long> precisions() {
    return Arbitraries.of(1_000_000L, 60_000_000L);
  }

  @Property(tries = 80)
  void anyArrivalOfTheLogAndOfAnExportGivesTheTableOfTheLogInOrder(
      @ForAll("logs") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 6) int batches,
      @ForAll @IntRange(min = 0, max = 3) int duplicates,
      @ForAll("gaps") long gapMicros,
      @ForAll("precisions") long precisionMicros,
      @ForAll boolean withExport,
      @ForAll @IntRange(min = 0, max = 24) int exportAfter,
      @ForAll Random random)
      throws IOException {
    List<ChangeRecord> log = changes(steps, gapMicros, precisionMicros);
    List<ChangeRecord> arriving = new ArrayList<>(log);
    if (withExport) {
      // The export is taken between two changes, halfway, and its time recorded to the second; the
      // stream is read from some point at or before the first change after it.
      int firstAfter = Math.min(exportAfter, log.size());
      long exportMicros = BASE_MICROS + firstAfter * gapMicros - gapMicros / 2;
      exportMicros -= Math.floorMod(exportMicros, 1_000_000L);
      arriving = new ArrayList<>(log.subList(random.nextInt(firstAfter + 1), log.size()));
      arriving.addAll(snapshot(log.subList(0, firstAfter), exportMicros));
    }
    // Nothing may arrive: an export after every key was removed, and the stream read from its end.
    for (int d = 0; d < duplicates && !arriving.isEmpty(); d++) {
      arriving.add(arriving.get(random.nextInt(arriving.size())));
    }
    Collections.shuffle(arriving, random);

    Path root = Files.createTempDirectory("current-property");
    try {
      CurrentTable table = new CurrentTable(ORDERS);
      MergeCurrent.createTables(root.toString(), List.of(ORDERS));
      KeyedUpsert upsert = table.upsert(root.toString(), 1L << 20);
      int size = (arriving.size() + batches - 1) / batches;
      for (int b = 0; b * size < arriving.size(); b++) {
        List<KeyedUpsert.Change> batch = new ArrayList<>();
        for (ChangeRecord r :
            arriving.subList(b * size, Math.min(arriving.size(), (b + 1) * size))) {
          batch.add(table.change(upsert, decoded(r), BASE_MICROS));
        }
        upsert.apply("property", b, batch);
      }
      assertThat(OrdersCurrentRows.read(root.resolve(table.name()))).isEqualTo(inOrder(steps));
    } finally {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The model: each key's last step, as "status amount", without removed keys. */
  private static Map<String, String> inOrder(List<Step> steps) {
    Map<String, String> state = new TreeMap<>();
    for (Step s : effective(steps)) {
      if (s.remove()) {
        state.remove("o" + s.key());
      } else {
        state.put("o" + s.key(), s.status() + " " + BigDecimal.valueOf(s.cents(), 2));
      }
    }
    return state;
  }

  /** A REMOVE of a key that is not there is a put instead: DynamoDB streams no such change. */
  static List<Step> effective(List<Step> steps) {
    Map<Integer, Boolean> live = new HashMap<>();
    List<Step> out = new ArrayList<>();
    for (Step s : steps) {
      boolean remove = s.remove() && live.getOrDefault(s.key(), false);
      out.add(new Step(s.key(), remove, s.cents(), s.status()));
      live.put(s.key(), !remove);
    }
    return out;
  }

  /**
   * The steps as stream records, one every {@code gapMicros}, each stamped with its time rounded
   * down to {@code precisionMicros} as DynamoDB does, ordered by their sequence numbers.
   */
  static List<ChangeRecord> changes(List<Step> steps, long gapMicros, long precisionMicros) {
    Map<Integer, Map<String, DynamoValue>> images = new HashMap<>();
    List<ChangeRecord> out = new ArrayList<>();
    List<Step> effective = effective(steps);
    for (int i = 0; i < effective.size(); i++) {
      Step s = effective.get(i);
      Map<String, DynamoValue> before = images.get(s.key());
      Map<String, DynamoValue> after = s.remove() ? null : item(s);
      Op op = s.remove() ? Op.REMOVE : before == null ? Op.INSERT : Op.MODIFY;
      out.add(
          new ChangeRecord(
              "orders",
              op,
              key(s.key()),
              after,
              op == Op.INSERT ? null : before,
              stamp(BASE_MICROS + i * gapMicros, precisionMicros),
              "event-" + i,
              new SourcePosition(
                  SourceKind.DYNAMODB_STREAMS,
                  "arn:aws:dynamodb:local:000000000000:table/orders/stream/x",
                  "shardId-1",
                  String.format("%021d", 1000 + i))));
      if (after == null) {
        images.remove(s.key());
      } else {
        images.put(s.key(), after);
      }
    }
    return out;
  }

  private static long stamp(long micros, long precisionMicros) {
    return micros - Math.floorMod(micros, precisionMicros);
  }

  /** What an export holds after the changes {@code before}: the effect of each of them. */
  static List<ChangeRecord> snapshot(List<ChangeRecord> before, long exportMicros) {
    Map<String, Map<String, DynamoValue>> items = new LinkedHashMap<>();
    for (ChangeRecord r : before) {
      String id = ((DynamoValue.S) r.keys().get("order_id")).value();
      if (r.newImage() == null) {
        items.remove(id);
      } else {
        items.put(id, r.newImage());
      }
    }
    List<ChangeRecord> out = new ArrayList<>();
    int line = 1;
    for (Map.Entry<String, Map<String, DynamoValue>> e : items.entrySet()) {
      out.add(
          new ChangeRecord(
              "orders",
              Op.SNAPSHOT,
              Map.of("order_id", new DynamoValue.S(e.getKey())),
              e.getValue(),
              null,
              exportMicros,
              "export-" + line,
              SourcePosition.exportLine("01790000000000-abcdef", "data/part-0.json.gz", line++)));
    }
    return out;
  }

  private static Map<String, DynamoValue> key(int key) {
    return Map.of("order_id", new DynamoValue.S("o" + key));
  }

  private static Map<String, DynamoValue> item(Step s) {
    Map<String, DynamoValue> item = new LinkedHashMap<>(key(s.key()));
    item.put("amount", DynamoValue.N.of(BigDecimal.valueOf(s.cents(), 2)));
    item.put("status", new DynamoValue.S(s.status()));
    item.put("customer_id", new DynamoValue.S("c" + s.key()));
    return item;
  }

  static DecodedChange decoded(ChangeRecord r) {
    return new DecodedChange(r, new BronzeTable.RawImages(null, null, null), null, false, null);
  }
}
