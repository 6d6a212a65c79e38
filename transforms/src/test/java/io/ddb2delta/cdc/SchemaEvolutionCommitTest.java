package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.SourceKind;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.DeltaTargets;
import io.ddb2delta.tables.QuarantineTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema evolution through the writers and the committer: a new attribute is proposed by the
 * writer, added by the committer in the commit of its files, and typed into its column from the
 * writer's next batch on, on real Delta tables.
 */
class SchemaEvolutionCommitTest {
  private static final String STREAM = "ddb2delta-orders";
  private static final String APP = "ddb2delta-kinesis-" + STREAM;
  private static final long HORIZON = 60_000;

  static final String ORDERS_YAML =
      """
      table: orders
      keys: [order_id]
      evolve: %s
      columns:
        - {name: order_id, attribute: order_id, type: string, required: true}
        - {name: order_amount, attribute: amount, type: "decimal(10,2)"}
        - {name: order_status, attribute: status, type: string}
      """;

  /** The silver columns the mapping declares, before any evolution. */
  private static final List<String> DECLARED =
      List.of("order_id", "order_amount", "order_status", "_attributes");

  @TempDir Path root;

  @Test
  void aNewAttributeBecomesAColumnInTheCommitOfTheFilesThatFirstHoldIt() throws IOException {
    DeltaTargets targets = targets(true);
    ChangeWriters writers = new ChangeWriters(APP, 1);
    TableCommitter committer = new TableCommitter(targets, writers);
    DeltaTable silver = DeltaTable.forPath(targets.pathOf("orders_silver"));
    long created = silver.version();

    Committable first =
        writer(targets, writers, 0)
            .writeMessages(
                List.of(
                    message(
                        "shardId-0",
                        1,
                        "e1",
                        "ord-1",
                        "\"gift_wrap\":{\"BOOL\":true},"
                            + "\"tags\":{\"SS\":[\"a\",\"b\"]},"
                            + "\"_hidden\":{\"S\":\"h\"},"
                            + "\"bad-name\":{\"S\":\"b\"},"
                            + "\"Order_Status\":{\"S\":\"clash\"},"
                            + "\"nothing\":{\"NULL\":true}")));

    assertThat(first.newColumns())
        .isEqualTo(
            Map.of(
                "orders_silver",
                List.of(
                    DeltaColumn.of("gift_wrap", DeltaType.BOOLEAN),
                    DeltaColumn.of("tags", DeltaType.STRING))));
    committer.commit(List.of(first));

    assertThat(silver.version()).isEqualTo(created + 1);
    assertThat(silver.columnNames())
        .containsExactly(
            "order_id", "order_amount", "order_status", "_attributes", "gift_wrap", "tags");
    String commit = logEntry(targets, "orders_silver", created + 1);
    assertThat(commit).contains("\"metaData\"").contains("\"add\"").contains("\"txn\"");
    // The row written before the column existed keeps the attribute in _attributes and reads null.
    List<Map<String, Object>> rows = silverRows(targets);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("gift_wrap")).isNull();
    assertThat(rows.get(0).get("tags")).isNull();
    assertThat((String) rows.get(0).get("_attributes"))
        .contains("\"gift_wrap\":{\"BOOL\":true}")
        .contains("\"tags\":{\"SS\":[\"a\",\"b\"]}");

    Committable second =
        writer(targets, writers, 0)
            .writeMessages(
                List.of(
                    message(
                        "shardId-0",
                        2,
                        "e2",
                        "ord-2",
                        "\"gift_wrap\":{\"BOOL\":false},\"tags\":{\"SS\":[\"c\"]}"),
                    message("shardId-0", 3, "e3", "ord-3", "\"gift_wrap\":{\"S\":\"yes\"}")));
    assertThat(second.newColumns()).isEmpty();
    committer.commit(List.of(second));

    Map<String, Map<String, Object>> byId = new TreeMap<>();
    for (Map<String, Object> r : silverRows(targets)) {
      byId.put((String) r.get("order_id"), r);
    }
    assertThat(byId).containsOnlyKeys("ord-1", "ord-2");
    assertThat(byId.get("ord-2").get("gift_wrap")).isEqualTo(false);
    assertThat(byId.get("ord-2").get("tags")).isEqualTo("{\"SS\":[\"c\"]}");
    assertThat(byId.get("ord-2").get("_attributes")).isEqualTo("{}");
    assertThat(byId.get("ord-1").get("gift_wrap")).isNull();

    List<Map<String, Object>> quarantined = rows(targets, QuarantineTable.NAME);
    assertThat(quarantined).hasSize(1);
    assertThat((String) quarantined.get(0).get("error_message"))
        .contains("column gift_wrap: ")
        .contains("got S");
    assertThat(quarantined.get(0).get("error_class")).isEqualTo("MAPPING");
  }

  @Test
  void withoutEvolveANewAttributeStaysInAttributesAndTheSchemaStays() throws IOException {
    DeltaTargets targets = targets(false);
    ChangeWriters writers = new ChangeWriters(APP, 1);
    TableCommitter committer = new TableCommitter(targets, writers);

    Committable c =
        writer(targets, writers, 0)
            .writeMessages(
                List.of(message("shardId-0", 1, "e1", "ord-1", "\"gift_wrap\":{\"BOOL\":true}")));
    committer.commit(List.of(c));
    committer.commit(
        List.of(
            writer(targets, writers, 0)
                .writeMessages(
                    List.of(
                        message("shardId-0", 2, "e2", "ord-2", "\"gift_wrap\":{\"BOOL\":true}")))));

    assertThat(c.newColumns()).isEmpty();
    assertThat(DeltaTable.forPath(targets.pathOf("orders_silver")).columnNames())
        .isEqualTo(DECLARED);
    for (Map<String, Object> r : silverRows(targets)) {
      assertThat(r.get("_attributes")).isEqualTo("{\"gift_wrap\":{\"BOOL\":true}}");
    }
  }

  @Test
  void whenTwoWritersProposeOneNameWithTwoTypesTheFirstWriterWinsAndTheOtherTypeIsQuarantined()
      throws IOException {
    DeltaTargets targets = targets(true);
    ChangeWriters writers = new ChangeWriters(APP, 2);
    TableCommitter committer = new TableCommitter(targets, writers);
    Committable one =
        writer(targets, writers, 1)
            .writeMessages(
                List.of(message("shardId-1", 1, "e1", "ord-1", "\"flag\":{\"S\":" + "\"on\"}")));
    Committable zero =
        writer(targets, writers, 0)
            .writeMessages(
                List.of(message("shardId-0", 1, "e2", "ord-2", "\"flag\":{\"BOOL\":true}")));
    committer.commit(List.of(one, zero));

    DeltaTable silver = DeltaTable.forPath(targets.pathOf("orders_silver"));
    assertThat(silver.columns().get(silver.columns().size() - 1))
        .isEqualTo(new DeltaColumn("flag", DeltaType.BOOLEAN, true, ""));

    committer.commit(
        List.of(
            writer(targets, writers, 1)
                .writeMessages(
                    List.of(message("shardId-1", 2, "e3", "ord-3", "\"flag\":{\"S\":\"off\"}")))));
    List<Map<String, Object>> quarantined = rows(targets, QuarantineTable.NAME);
    assertThat(quarantined).hasSize(1);
    assertThat((String) quarantined.get(0).get("error_message")).contains("column flag: ");
  }

  @Test
  void aRestartedCommitterAndWriterTakeTheEvolvedTableAsItIs() throws IOException {
    DeltaTargets targets = targets(true);
    ChangeWriters writers = new ChangeWriters(APP, 1);
    new TableCommitter(targets, writers)
        .commit(
            List.of(
                writer(targets, writers, 0)
                    .writeMessages(
                        List.of(
                            message("shardId-0", 1, "e1", "ord-1", "\"n\":{\"N\":\"1E+3\"}")))));

    // A new run: the committer checks the table against the mapping, which lacks column n.
    TableCommitter restarted = new TableCommitter(targets, writers);
    restarted.commit(
        List.of(
            writer(targets, writers, 0)
                .writeMessages(
                    List.of(
                        message(
                            "shardId-0",
                            2,
                            "e2",
                            "ord-2",
                            "\"n\":{\"N\":\"123456789012345678901234567890.5\"}")))));

    Map<String, Object> row =
        silverRows(targets).stream()
            .filter(r -> r.get("order_id").equals("ord-2"))
            .findFirst()
            .orElseThrow();
    assertThat(row.get("n")).isEqualTo("123456789012345678901234567890.5");
  }

  private DeltaTargets targets(boolean evolve) {
    return new DeltaTargets(
        root.toString(), TableMapping.parse(ORDERS_YAML.formatted(evolve), "test"));
  }

  private static ChangeFileWriter writer(DeltaTargets targets, ChangeWriters writers, int writer) {
    return new ChangeFileWriter(targets, writers, writer, HORIZON, 1 << 20, 10_000, Map.of());
  }

  /** Every row of a table, by column name, read through the table's current schema. */
  static List<Map<String, Object>> rows(DeltaTargets targets, String table) {
    DeltaTable t = DeltaTable.forPath(targets.pathOf(table));
    List<DeltaColumn> columns = t.columns();
    DeltaTableSchema schema =
        new DeltaTableSchema(
            columns,
            table.equals(QuarantineTable.NAME)
                ? QuarantineTable.SCHEMA.partitionColumns()
                : List.of());
    List<Map<String, Object>> out = new ArrayList<>();
    for (DataFile f : t.files()) {
      DeltaTable.readRows(
          t.path(),
          schema,
          f,
          row -> {
            Map<String, Object> byName = new TreeMap<>();
            for (int i = 0; i < row.length; i++) {
              byName.put(columns.get(i).name(), row[i]);
            }
            out.add(byName);
          });
    }
    return out;
  }

  private static List<Map<String, Object>> silverRows(DeltaTargets targets) {
    return rows(targets, "orders_silver");
  }

  private static String logEntry(DeltaTargets targets, String table, long version)
      throws IOException {
    return Files.readString(
        Path.of(targets.pathOf(table), "_delta_log", String.format("%020d.json", version)),
        StandardCharsets.UTF_8);
  }

  /** A Kinesis INSERT of an order whose new image has {@code extra} after its own attributes. */
  static ChangeMessage message(
      String shard, long sequence, String eventId, String key, String extra) {
    String payload =
        "{\"awsRegion\":\"us-east-1\",\"eventID\":\""
            + eventId
            + "\",\"eventName\":\"INSERT\",\"userIdentity\":null,"
            + "\"recordFormat\":\"application/json\",\"tableName\":\"orders\",\"dynamodb\":"
            + "{\"ApproximateCreationDateTime\":1700000000123,\"Keys\":{\"order_id\":{\"S\":\""
            + key
            + "\"}},\"NewImage\":{\"order_id\":{\"S\":\""
            + key
            + "\"},\"amount\":{\"N\":\"19.99\"},\"status\":{\"S\":\"pending\"},"
            + extra
            + "},\"SizeBytes\":52},\"eventSource\":\"aws:dynamodb\"}";
    return new ChangeMessage(
        SourceKind.KINESIS,
        STREAM,
        shard,
        Long.toString(sequence),
        System.currentTimeMillis(),
        System.currentTimeMillis(),
        payload.getBytes(StandardCharsets.UTF_8),
        null);
  }
}
