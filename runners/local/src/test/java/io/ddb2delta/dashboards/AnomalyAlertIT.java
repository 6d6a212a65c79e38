package io.ddb2delta.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.ddb2delta.local.LocalDashboard;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.testing.JobRuns;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.SparkVerifier;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * An injected spike, end to end: orders written to DynamoDB Local, read from its stream by the job,
 * scored by the graph's anomaly detection into {@code orders_anomalies}, and fired by the dashboard
 * process's alert evaluation (the shipped {@code order_anomaly} rule) into a webhook receiver here.
 */
class AnomalyAlertIT {
  /** 48 hours of 10 and 12 orders in turn, then 30 in the current hour. */
  private static final int HISTORY_HOURS = 48;

  private static final int SPIKE = 30;

  @TempDir Path tmp;

  @Test
  void aSpikeInTheCurrentHoursOrdersIsAnAnomalyAndFiresTheWebhook() throws Exception {
    LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          received.add(
              new ObjectMapper()
                  .readTree(
                      new String(
                          exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    Path lake = tmp.resolve("lake");
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    try (LocalDynamoDb dynamo = LocalDynamoDb.start()) {
      int orders = writeOrders(dynamo.dynamoDb(), hour);
      JobRuns.run(
          List.of(
              "--source=dynamodb-streams",
              "--tableName=orders",
              "--dynamodbEndpoint=" + dynamo.endpoint(),
              "--deltaRoot=" + lake,
              "--commitIntervalSeconds=1",
              "--maxRecords=" + orders));
    }

    // z by hand: the trailing 24 hours hold twelve 10s and twelve 12s, so mean 11 and sample
    // standard deviation sqrt(24 / 23) = 1.02151; (30 - 11) / 1.02151 = 18.600. Revenue is 5.00
    // times the count, so the same z. The hour before scores (10 - 11) / 1.02151 = -0.979.
    List<QueryResult> anomalies =
        SparkVerifier.query(
            "SELECT metric, value, trailing_mean, round(trailing_stddev, 5), trailing_hours,"
                + " round(z_score, 3), severity FROM delta.`"
                + lake.resolve("orders_anomalies").toAbsolutePath()
                + "` WHERE hour >= timestamp_micros("
                + hour.minus(Duration.ofHours(1)).toEpochMilli() * 1000
                + ") ORDER BY hour, metric");
    assertThat(anomalies.get(0).rows())
        .containsExactly(
            List.of("order_count", 10.0, 11.0, 1.02151, 24L, -0.979, "NORMAL"),
            List.of("revenue", 50.0, 55.0, 5.10754, 24L, -0.979, "NORMAL"),
            List.of("order_count", 30.0, 11.0, 1.02151, 24L, 18.6, "ANOMALY"),
            List.of("revenue", 150.0, 55.0, 5.10754, 24L, 18.6, "ANOMALY"));

    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    try (LocalDashboard dashboard =
        LocalDashboard.start(
            lake, List.of("--port=0", "--webhook=" + hook, "--alertIntervalSeconds=1"))) {
      JsonNode fired = null;
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (fired == null && System.nanoTime() < deadline) {
        JsonNode body = received.poll(1, TimeUnit.SECONDS);
        if (body != null && body.get("alert").asText().equals("order_anomaly")) {
          fired = body;
        }
      }
      assertThat(fired).as("the order_anomaly alert reached the webhook").isNotNull();
      assertThat(fired.get("severity").asText()).isEqualTo("CRITICAL");
      // Two anomalous rows in the last 3 hours: the current hour's count and its revenue.
      assertThat(fired.get("value").asDouble()).isEqualTo(2.0);
      assertThat(fired.get("condition").asText()).isEqualTo("anomalies > 0.0");
    } finally {
      receiver.stop(0);
    }
  }

  /** Writes the orders of the history and the spike; returns how many. */
  private static int writeOrders(DynamoDbClient dynamo, Instant currentHour) {
    dynamo.createTable(
        b ->
            b.tableName("orders")
                .keySchema(
                    KeySchemaElement.builder()
                        .attributeName("order_id")
                        .keyType(KeyType.HASH)
                        .build())
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName("order_id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(
                    StreamSpecification.builder()
                        .streamEnabled(true)
                        .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                        .build()));
    List<WriteRequest> puts = new ArrayList<>();
    for (int h = HISTORY_HOURS; h >= 0; h--) {
      // Hour -1 gets 10, -2 gets 12, and so on: any 24 hours in a row hold twelve of each.
      int count = h == 0 ? SPIKE : h % 2 == 1 ? 10 : 12;
      Instant start = currentHour.minus(Duration.ofHours(h));
      for (int i = 0; i < count; i++) {
        String id = "o-" + h + "-" + i;
        puts.add(
            WriteRequest.builder()
                .putRequest(
                    PutRequest.builder()
                        .item(
                            Map.of(
                                "order_id", AttributeValue.fromS(id),
                                "customer_id", AttributeValue.fromS("c-" + (i % 7)),
                                "product_id", AttributeValue.fromS("p-" + (i % 3)),
                                "amount", AttributeValue.fromN("5.00"),
                                "status", AttributeValue.fromS("pending"),
                                "created_at",
                                    AttributeValue.fromS(start.plusSeconds(i * 60L).toString())))
                        .build())
                .build());
      }
    }
    for (int i = 0; i < puts.size(); i += 25) {
      List<WriteRequest> batch = puts.subList(i, Math.min(puts.size(), i + 25));
      dynamo.batchWriteItem(b -> b.requestItems(Map.of("orders", batch)));
    }
    return puts.size();
  }
}
