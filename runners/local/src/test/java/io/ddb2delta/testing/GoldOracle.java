package io.ddb2delta.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddb2delta.delta.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The retraction oracle: every gold table over orders must equal the same aggregate that Spark SQL
 * computes on its own from the orders as DynamoDB holds them at the end (a scan, written out as
 * JSON), and, for the change-log windows, from silver's change rows. Amounts are compared exactly,
 * averages within half a cent (Spark rounds AVG of a decimal twice).
 */
public final class GoldOracle {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GoldOracle() {}

  /** Checks every gold table under {@code root} against the final state of DynamoDB's orders. */
  public static void assertGoldMatches(Path root, DynamoDbClient dynamo, String ordersTable) {
    assertGoldMatches(root, dynamo, ordersTable, List.of());
  }

  /**
   * Checks every gold table under {@code root} against the final state of DynamoDB's orders and
   * {@code moreOrders}: orders no change in the stream touched, e.g. those of an export that only
   * the lake holds (attributes order_id, customer_id, product_id, status, created_at and amount).
   */
  public static void assertGoldMatches(
      Path root, DynamoDbClient dynamo, String ordersTable, List<ObjectNode> moreOrders) {
    Path state = root.resolve("oracle-orders.json");
    long orders = writeState(dynamo, ordersTable, moreOrders, state);
    assertThat(orders).as("orders left in DynamoDB").isPositive();
    String s =
        "(SELECT order_id, customer_id, product_id, CAST(amount AS DECIMAL(10,2)) AS amount,"
            + " status, to_timestamp(created_at) AS created_at FROM json.`"
            + state.toAbsolutePath()
            + "`)";
    List<Check> checks =
        List.of(
            new Check(
                "orders_hourly_metrics",
                List.of("hour"),
                "SELECT date_trunc('HOUR', created_at) AS hour, count(*) AS order_count,"
                    + " sum(amount) AS total_revenue, avg(amount) AS avg_order_value,"
                    + " count(DISTINCT customer_id) AS unique_customers FROM "
                    + s
                    + " WHERE created_at IS NOT NULL GROUP BY 1",
                List.of("order_count", "total_revenue", "unique_customers"),
                List.of("avg_order_value")),
            new Check(
                "orders_daily_metrics",
                List.of("order_date", "order_status"),
                "SELECT to_date(created_at) AS order_date, status AS order_status,"
                    + " count(*) AS order_count, sum(amount) AS total_amount,"
                    + " avg(amount) AS avg_order_value,"
                    + " count(DISTINCT customer_id) AS unique_customers FROM "
                    + s
                    + " WHERE created_at IS NOT NULL AND status IS NOT NULL GROUP BY 1, 2",
                List.of("order_count", "total_amount", "unique_customers"),
                List.of("avg_order_value")),
            new Check(
                "customer_analytics",
                List.of("customer_id"),
                "SELECT customer_id, count(*) AS order_count, sum(amount) AS lifetime_value,"
                    + " avg(amount) AS avg_order_value, min(created_at) AS first_order_at,"
                    + " max(created_at) AS last_order_at,"
                    + " datediff(to_date(max(created_at)), to_date(min(created_at))) AS tenure_days"
                    + " FROM "
                    + s
                    + " WHERE customer_id IS NOT NULL GROUP BY 1",
                List.of(
                    "order_count",
                    "lifetime_value",
                    "first_order_at",
                    "last_order_at",
                    "tenure_days"),
                List.of("avg_order_value")),
            new Check(
                "product_performance",
                List.of("product_id"),
                "SELECT product_id, count(*) AS order_count, sum(amount) AS total_revenue,"
                    + " avg(amount) AS avg_price, count(DISTINCT customer_id) AS unique_customers"
                    + " FROM "
                    + s
                    + " WHERE product_id IS NOT NULL GROUP BY 1",
                List.of("order_count", "total_revenue", "unique_customers"),
                List.of("avg_price")),
            new Check(
                "orders_windowed_metrics",
                List.of("window_start", "event_type"),
                "SELECT window.start AS window_start, event_type, count(*) AS event_count,"
                    + " sum(order_amount) AS total_amount,"
                    + " count(DISTINCT customer_id) AS unique_customers,"
                    + " avg(order_amount) AS avg_order_value FROM "
                    + table(root, "orders_silver")
                    + " WHERE event_type <> 'SNAPSHOT'"
                    + " GROUP BY window(event_timestamp, '5 minutes'), event_type",
                List.of("event_count", "total_amount", "unique_customers"),
                List.of("avg_order_value")),
            // The anomaly rule as shipped for Databricks, over the pipeline's own hourly table.
            new Check(
                "orders_anomalies",
                List.of("hour", "metric"),
                ShippedSql.statements("gold/orders_anomalies.sql", Map.of()).get(0),
                List.of("trailing_hours", "severity"),
                List.of("value", "trailing_mean", "trailing_stddev", "z_score"),
                1e-9));
    List<String> sql = new ArrayList<>();
    sql.add(
        "CREATE OR REPLACE TEMPORARY VIEW orders_hourly_metrics AS SELECT * FROM "
            + table(root, "orders_hourly_metrics"));
    for (Check c : checks) {
      sql.add(c.mismatches(table(root, c.table())));
      sql.add("SELECT count(*) FROM " + table(root, c.table()));
    }
    List<QueryResult> results = SparkVerifier.query(sql);
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      assertThat(results.get(1 + 2 * i).rowsAsMaps())
          .as(c.table() + " rows that differ from Spark SQL's own aggregate")
          .isEmpty();
      assertThat((Long) results.get(2 + 2 * i).singleValue()).as(c.table() + " rows").isPositive();
    }
  }

  /** One gold table and the oracle's query of it. */
  private record Check(
      String table,
      List<String> keys,
      String oracle,
      List<String> exact,
      List<String> averages,
      double tolerance) {
    Check(
        String table, List<String> keys, String oracle, List<String> exact, List<String> averages) {
      this(table, keys, oracle, exact, averages, 0.005);
    }

    /** The rows of gold and oracle that are not the same, by a full join on the key. */
    String mismatches(String gold) {
      List<String> same = new ArrayList<>();
      for (String c : exact) {
        same.add("g." + c + " <=> o." + c);
      }
      for (String c : averages) {
        same.add(
            "coalesce(abs(g."
                + c
                + " - o."
                + c
                + ") <= "
                + tolerance
                + ", g."
                + c
                + " <=> o."
                + c
                + ")");
      }
      List<String> on = new ArrayList<>();
      for (String k : keys) {
        on.add("g." + k + " = o." + k);
      }
      return "SELECT to_json(struct(g.*)) AS gold, to_json(struct(o.*)) AS oracle FROM "
          + gold
          + " g FULL OUTER JOIN ("
          + oracle
          + ") o ON "
          + String.join(" AND ", on)
          + " WHERE NOT ("
          + String.join(" AND ", same)
          + ")";
    }
  }

  static long writeState(
      DynamoDbClient dynamo, String table, List<ObjectNode> moreOrders, Path file) {
    StringBuilder lines = new StringBuilder();
    long n = 0;
    for (ObjectNode o : moreOrders) {
      lines.append(o).append('\n');
      n++;
    }
    for (Map<String, AttributeValue> item :
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
      ObjectNode o = JSON.createObjectNode();
      for (String a : List.of("order_id", "customer_id", "product_id", "status", "created_at")) {
        AttributeValue v = item.get(a);
        if (v != null && v.s() != null) {
          o.put(a, v.s());
        }
      }
      AttributeValue amount = item.get("amount");
      if (amount != null && amount.n() != null) {
        o.put("amount", amount.n());
      }
      lines.append(o).append('\n');
      n++;
    }
    try {
      Files.writeString(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }

  /** Waits until no gold table has had a commit for 6 s (gold commits every second, if changed). */
  public static void awaitGoldSettled(Path lake, JobProcess job) throws InterruptedException {
    List<DeltaTable> gold =
        List.of(
                "orders_windowed_metrics",
                "orders_hourly_metrics",
                "orders_daily_metrics",
                "customer_analytics",
                "product_performance",
                "orders_anomalies")
            .stream()
            .map(t -> DeltaTable.forPath(lake.resolve(t).toString()))
            .toList();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    long last = -1;
    int quiet = 0;
    while (quiet < 6 && System.nanoTime() < deadline) {
      assertThat(job.isAlive()).as("job alive: %s", job.output()).isTrue();
      long versions = gold.stream().mapToLong(t -> t.exists() ? t.version() : -1).sum();
      quiet = versions == last ? quiet + 1 : 0;
      last = versions;
      Thread.sleep(1_000);
    }
  }

  private static String table(Path root, String name) {
    return "delta.`" + root.resolve(name).toAbsolutePath() + "`";
  }
}
