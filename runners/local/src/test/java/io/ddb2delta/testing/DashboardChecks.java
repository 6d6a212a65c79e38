package io.ddb2delta.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Runs every shipped dashboard SQL file on Spark SQL over a pipeline's lake, each table a view of
 * its unqualified name as on Databricks, and checks its numbers against the same figures computed
 * on their own from the input: the orders DynamoDB holds at the end (a scan) and the changes its
 * stream delivered, both written out as JSON for Spark to read.
 */
public final class DashboardChecks {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DASHBOARDS = Path.of("..", "..", "dashboards");

  private DashboardChecks() {}

  /** What a widget's query must return, by the file's name: an oracle query or a check. */
  private record Expect(
      String oracle, boolean countOnly, java.util.function.Consumer<QueryResult> check) {}

  /**
   * @param bronzeRows the changes the run committed to bronze, from the source's own count
   * @param quarantined error class to count, of the bad records the test sent
   */
  public static void assertDashboardsMatch(
      Path root,
      DynamoDbClient dynamo,
      DynamoDbStreamsClient streams,
      long bronzeRows,
      Map<String, Long> quarantined) {
    Path state = root.resolve("oracle-state.json");
    Path events = root.resolve("oracle-events.json");
    GoldOracle.writeState(dynamo, "orders", List.of(), state);
    writeEvents(streams, events);
    List<String> tables = tables(root);

    String orders =
        "(SELECT order_id, customer_id, product_id, CAST(amount AS DECIMAL(10,2)) AS amount,"
            + " status, to_timestamp(created_at) AS created FROM json.`"
            + state.toAbsolutePath()
            + "`)";
    String changes =
        "(SELECT event_type, CAST(amount AS DECIMAL(10,2)) AS amount, customer_id,"
            + " to_timestamp(created) AS created FROM json.`"
            + events.toAbsolutePath()
            + "`)";
    Map<String, Expect> expect = new LinkedHashMap<>();
    expect.put(
        "01_orders_last_hour",
        oracle("SELECT count(*) AS orders FROM " + changes + " WHERE event_type = 'INSERT'"));
    expect.put(
        "02_revenue_last_hour",
        oracle("SELECT sum(amount) AS revenue FROM " + changes + " WHERE event_type = 'INSERT'"));
    expect.put(
        "03_changes_per_5_minutes",
        oracle(
            "SELECT window(created, '5 minutes').start AS window_start, event_type,"
                + " count(*) AS event_count FROM "
                + changes
                + " GROUP BY 1, 2 ORDER BY 1, 2"));
    expect.put(
        "04_orders_by_current_status",
        oracle(
            "SELECT status, count(*) AS orders FROM "
                + orders
                + " WHERE status IS NOT NULL"
                + " GROUP BY status ORDER BY orders DESC, status"));
    expect.put(
        "05_hourly_anomalies",
        oracle(
            "SELECT least(48, 2 * count(DISTINCT date_trunc('HOUR', created))) FROM "
                + orders
                + " WHERE date_trunc('HOUR', created) > (SELECT max(date_trunc('HOUR', created))"
                + " FROM "
                + orders
                + ") - INTERVAL 24 HOURS",
            true));
    expect.put(
        "01_daily_revenue",
        oracle(
            "SELECT to_date(created) AS order_date,"
                + " sum(CASE WHEN status <> 'cancelled' THEN amount ELSE 0 END),"
                + " sum(CASE WHEN status = 'cancelled' THEN amount ELSE 0 END) FROM "
                + orders
                + " WHERE created IS NOT NULL AND status IS NOT NULL GROUP BY 1 ORDER BY 1"));
    expect.put(
        "02_top_products",
        oracle(
            "SELECT product_id, sum(amount) AS r, count(*), avg(amount) FROM "
                + orders
                + " WHERE product_id IS NOT NULL GROUP BY 1 ORDER BY r DESC, product_id LIMIT 10"));
    expect.put(
        "03_top_customers",
        oracle(
            "SELECT customer_id, sum(amount) AS v, count(*), avg(amount), min(created),"
                + " max(created), datediff(to_date(max(created)), to_date(min(created))) FROM "
                + orders
                + " WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY v DESC, customer_id"
                + " LIMIT 10"));
    expect.put(
        "04_order_funnel",
        oracle(
            "SELECT stage, orders FROM (SELECT 1 AS step, 'placed' AS stage, count(*) AS orders"
                + " FROM "
                + orders
                + " WHERE status IS NOT NULL UNION ALL SELECT 2,"
                + " 'shipped', count(*) FROM "
                + orders
                + " WHERE status IN ('shipped', 'completed') UNION ALL"
                + " SELECT 3, 'completed', count(*) FROM "
                + orders
                + " WHERE status = 'completed' UNION ALL SELECT 4,"
                + " 'cancelled', count(*) FROM "
                + orders
                + " WHERE status = 'cancelled') ORDER BY step"));
    // Tombstones are committed with their current table's MERGE, which has the health row.
    List<String> committed = new ArrayList<>(tables);
    committed.remove("pipeline_health");
    committed.removeIf(t -> t.endsWith("_current_tombstones"));
    expect.put(
        "01_freshness",
        check(
            r -> {
              assertThat(r.column("table_name")).containsExactlyElementsOf(committed);
              assertThat(r.column("seconds_since_commit"))
                  .allSatisfy(s -> assertThat((Long) s).isNotNegative());
              assertThat(r.column("status")).isSubsetOf("OK", "STALE");
            }));
    expect.put(
        "02_latency",
        check(
            r -> {
              assertThat(r.rowCount()).isPositive();
              for (Map<String, Object> row : r.rowsAsMaps()) {
                assertThat((Long) row.get("latency_p99_ms"))
                    .isGreaterThanOrEqualTo((Long) row.get("latency_p50_ms"));
                assertThat((Long) row.get("latency_p50_ms")).isNotNegative();
              }
            }));
    expect.put(
        "03_rows_per_minute",
        check(
            r -> {
              long bronze = 0;
              for (Map<String, Object> row : r.rowsAsMaps()) {
                if (row.get("table_name").equals("dynamodb_bronze")) {
                  bronze += (Long) row.get("records");
                }
              }
              assertThat(bronze)
                  .as("bronze rows committed, per minute, summed")
                  .isEqualTo(bronzeRows);
            }));
    expect.put(
        "04_quarantine",
        check(
            r -> {
              Map<String, Long> byClass = new LinkedHashMap<>();
              for (Map<String, Object> row : r.rowsAsMaps()) {
                byClass.merge(
                    (String) row.get("error_class"), (Long) row.get("records"), Long::sum);
              }
              assertThat(byClass).containsExactlyInAnyOrderEntriesOf(quarantined);
            }));

    List<String> sql = new ArrayList<>();
    for (String t : tables) {
      sql.add(
          "CREATE OR REPLACE TEMPORARY VIEW `"
              + t
              + "` AS SELECT * FROM delta.`"
              + root.resolve(t).toAbsolutePath()
              + "`");
    }
    List<String> widgets = new ArrayList<>();
    for (Path folder : list(DASHBOARDS)) {
      if (Files.isDirectory(folder)) {
        for (Path file : list(folder)) {
          if (file.getFileName().toString().endsWith(".sql")) {
            String name = file.getFileName().toString().replace(".sql", "");
            assertThat(expect).as("a check for widget %s", name).containsKey(name);
            widgets.add(name);
            sql.add(read(file));
            sql.add(expect.get(name).oracle() == null ? "SELECT 1" : expect.get(name).oracle());
          }
        }
      }
    }
    assertThat(widgets).hasSize(13);
    List<QueryResult> results = SparkVerifier.query(sql);
    int at = tables.size();
    for (String name : widgets) {
      QueryResult widget = results.get(at++);
      QueryResult oracle = results.get(at++);
      Expect e = expect.get(name);
      if (e.countOnly()) {
        assertThat((long) widget.rowCount()).as("rows of %s", name).isEqualTo(oracle.singleValue());
      } else if (e.oracle() != null) {
        assertThat(widget.rowCount()).as("%s returns rows", name).isPositive();
        assertSameRows(name, widget, oracle);
      } else {
        e.check().accept(widget);
      }
    }
  }

  private static Expect oracle(String sql) {
    return oracle(sql, false);
  }

  /** With {@code countOnly}, the oracle's single value is the number of rows the widget returns. */
  private static Expect oracle(String sql, boolean countOnly) {
    return new Expect(sql, countOnly, null);
  }

  private static Expect check(java.util.function.Consumer<QueryResult> c) {
    return new Expect(null, false, c);
  }

  /** Compares a widget with its oracle row by row: numbers within half a cent, the rest equal. */
  private static void assertSameRows(String name, QueryResult widget, QueryResult oracle) {
    assertThat(widget.rowCount()).as("rows of %s", name).isEqualTo(oracle.rowCount());
    for (int i = 0; i < widget.rowCount(); i++) {
      List<Object> w = widget.rows().get(i);
      List<Object> o = oracle.rows().get(i);
      for (int c = 0; c < Math.min(w.size(), o.size()); c++) {
        String what = name + " row " + i + " column " + widget.columns().get(c).name();
        BigDecimal x = number(w.get(c));
        BigDecimal y = number(o.get(c));
        if (x != null && y != null) {
          assertThat(x.subtract(y).abs())
              .as("%s: %s against %s", what, w.get(c), o.get(c))
              .isLessThanOrEqualTo(new BigDecimal("0.005"));
        } else {
          assertThat(w.get(c)).as(what).isEqualTo(o.get(c));
        }
      }
    }
  }

  private static BigDecimal number(Object v) {
    if (v instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    if (v instanceof String s && s.matches("-?\\d+(\\.\\d+)?")) {
      return new BigDecimal(s);
    }
    return null;
  }

  private static List<String> tables(Path root) {
    List<String> out = new ArrayList<>();
    for (Path dir : list(root)) {
      if (Files.isDirectory(dir.resolve("_delta_log"))) {
        out.add(dir.getFileName().toString());
      }
    }
    return out;
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeEvents(DynamoDbStreamsClient streams, Path file) {
    StringBuilder lines = new StringBuilder();
    for (Record r : StreamContents.dynamoRecords(streams, "orders")) {
      var image = r.dynamodb().hasNewImage() ? r.dynamodb().newImage() : r.dynamodb().oldImage();
      ObjectNode o = JSON.createObjectNode();
      o.put("event_type", r.eventNameAsString());
      o.put("created", r.dynamodb().approximateCreationDateTime().toString());
      if (image.get("amount") != null && image.get("amount").n() != null) {
        o.put("amount", image.get("amount").n());
      }
      if (image.get("customer_id") != null) {
        o.put("customer_id", image.get("customer_id").s());
      }
      lines.append(o).append('\n');
    }
    write(file, lines.toString());
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
