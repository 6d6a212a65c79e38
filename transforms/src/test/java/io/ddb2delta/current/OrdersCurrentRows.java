package io.ddb2delta.current;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.Op;
import io.ddb2delta.model.DynamoValue;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.actions.AddFile;
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

/**
 * An {@code orders_current}, its tombstones or an {@code orders_history} as the tests see them:
 * delta-standalone lists the files, parquet-avro reads their rows.
 */
final class OrdersCurrentRows {
  private OrdersCurrentRows() {}

  /** The table's rows, "order_id" to "status amount", read by parquet-avro. */
  static Map<String, String> read(Path table) throws IOException {
    Map<String, String> rows = new TreeMap<>();
    for (GenericRecord r : records(table)) {
      byte[] bytes = ((GenericFixed) r.get("order_amount")).bytes();
      String previous =
          rows.put(
              r.get("order_id").toString(),
              r.get("order_status") + " " + new BigDecimal(new BigInteger(bytes), 2));
      assertThat(previous).as("one row per key").isNull();
    }
    return rows;
  }

  /** The tombstones' rows, "order_id" to their version. */
  static Map<String, String> tombstones(Path table) throws IOException {
    Map<String, String> rows = new TreeMap<>();
    for (GenericRecord r : records(table)) {
      rows.put(r.get("order_id").toString(), r.get("_version").toString());
    }
    return rows;
  }

  /**
   * The history's rows, "order_id" to its rows in {@code _version} order, each "op status amount
   * from=valid_from to=valid_to current=is_current at=position", with times as instants and the
   * source position's last word (the sequence number, or the export line).
   */
  static Map<String, List<String>> history(Path table) throws IOException {
    Map<String, Map<String, String>> byVersion = new TreeMap<>();
    for (GenericRecord r : records(table)) {
      Object amount = r.get("order_amount");
      Object to = r.get("valid_to");
      String row =
          r.get("op")
              + " "
              + r.get("order_status")
              + " "
              + (amount == null
                  ? null
                  : new BigDecimal(new BigInteger(((GenericFixed) amount).bytes()), 2))
              + " from="
              + instant((Long) r.get("valid_from"))
              + " to="
              + (to == null ? null : instant((Long) to))
              + " current="
              + r.get("is_current")
              + " at="
              + lastWord(r.get("_source_position").toString());
      String previous =
          byVersion
              .computeIfAbsent(r.get("order_id").toString(), k -> new TreeMap<>())
              .put(r.get("_version").toString(), row);
      assertThat(previous).as("one row per key and version").isNull();
    }
    Map<String, List<String>> rows = new TreeMap<>();
    byVersion.forEach((id, versions) -> rows.put(id, List.copyOf(versions.values())));
    return rows;
  }

  /**
   * Each row's "order_id" (and "op", for a history) to "column=value _attributes=..." for one
   * column; null also where the row's file predates the column, as Delta readers read it.
   */
  static Map<String, String> column(Path table, String column) throws IOException {
    Map<String, String> rows = new TreeMap<>();
    for (GenericRecord r : records(table)) {
      Object value = r.getSchema().getField(column) == null ? null : r.get(column);
      String id = r.get("order_id").toString();
      if (r.getSchema().getField("op") != null) {
        id += " " + r.get("op");
      }
      rows.put(id, column + "=" + value + " _attributes=" + r.get("_attributes"));
    }
    return rows;
  }

  /** An orders item as {@link #read} shows it: "status amount". */
  static String describe(Map<String, DynamoValue> item) {
    return ((DynamoValue.S) item.get("status")).value()
        + " "
        + ((DynamoValue.N) item.get("amount")).decimal().setScale(2);
  }

  /**
   * The rows {@link #history} shows for one item whose changes happened in the order given: each
   * valid until the next one's time, the last current unless a REMOVE.
   */
  static List<String> expectedHistory(List<ChangeRecord> changes) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      ChangeRecord r = changes.get(i);
      ChangeRecord next = i + 1 < changes.size() ? changes.get(i + 1) : null;
      out.add(
          r.op()
              + " "
              + describe(r.newImage() != null ? r.newImage() : r.oldImage())
              + " from="
              + instant(r.eventTimeMicros())
              + " to="
              + (next == null ? null : instant(next.eventTimeMicros()))
              + " current="
              + (next == null && r.op() != Op.REMOVE)
              + " at="
              + r.position().offset());
    }
    return out;
  }

  static String lastWord(String text) {
    return text.substring(text.lastIndexOf(' ') + 1);
  }

  /** Microseconds since the epoch as an instant, as the history tests write times. */
  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000);
  }

  private static List<GenericRecord> records(Path table) throws IOException {
    List<GenericRecord> records = new ArrayList<>();
    for (AddFile f :
        DeltaLog.forTable(new Configuration(), table.toString()).update().getAllFiles()) {
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(new LocalInputFile(table.resolve(f.getPath())))
              .withDataModel(GenericData.get())
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          records.add(r);
        }
      }
    }
    return records;
  }
}
