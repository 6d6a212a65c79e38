package io.ddb2delta.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert rules evaluated over a lake that Spark writes here (the orders_anomalies and
 * pipeline_health tables, in the pipeline's schema), posting to a webhook receiver in this test.
 */
class AlertEvaluatorTest {
  @TempDir static Path root;
  static Lake lake;
  static HttpServer receiver;
  static final List<JsonNode> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
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
    lake = Lake.open(root);
    // An hour that just ended with a spike, as the graph's anomaly detection writes it.
    lake.query(
        "CREATE TABLE delta.`"
            + root.resolve("orders_anomalies")
            + "` (hour TIMESTAMP, metric STRING, value DOUBLE, trailing_mean DOUBLE,"
            + " trailing_stddev DOUBLE, trailing_hours BIGINT, z_score DOUBLE, severity STRING,"
            + " _version BIGINT, updated_at TIMESTAMP) USING DELTA");
    lake.query(
        "INSERT INTO delta.`"
            + root.resolve("orders_anomalies")
            + "` VALUES (date_trunc('HOUR', current_timestamp()), 'order_count', 14.0, 11.0,"
            + " 1.0215, 24, 2.94, 'ANOMALY', 1, current_timestamp()),"
            + " (date_trunc('HOUR', current_timestamp()) - INTERVAL 1 HOUR, 'order_count', 12.0,"
            + " 11.0, 1.0215, 24, 0.98, 'NORMAL', 1, current_timestamp())");
  }

  @AfterAll
  static void stop() {
    receiver.stop(0);
    lake.close();
  }

  private static AlertRule rule(String name) {
    return AlertRule.read(Path.of("..", "..", "sql", "alerts", name + ".sql"));
  }

  @Test
  void anAnomalyFiresTheWebhookOnceWithinItsCooldownAndAgainAfterIt() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    AlertEvaluator alerts = new AlertEvaluator(lake, List.of(rule("order_anomaly")), hook, clock);
    received.clear();

    List<AlertEvaluator.Outcome> first = alerts.evaluate();
    assertThat(first)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.value()).isEqualTo(1.0);
              assertThat(o.fires()).isTrue();
              assertThat(o.notified()).isTrue();
            });
    assertThat(received)
        .singleElement()
        .satisfies(
            body -> {
              assertThat(body.get("alert").asText()).isEqualTo("order_anomaly");
              assertThat(body.get("severity").asText()).isEqualTo("CRITICAL");
              assertThat(body.get("value").asDouble()).isEqualTo(1.0);
              assertThat(body.get("condition").asText()).isEqualTo("anomalies > 0.0");
            });

    now.set(now.get().plus(Duration.ofMinutes(59)));
    assertThat(alerts.evaluate().get(0).notified()).as("within the 1 h cool-down").isFalse();
    assertThat(received).hasSize(1);

    now.set(now.get().plus(Duration.ofMinutes(2)));
    assertThat(alerts.evaluate().get(0).notified()).isTrue();
    assertThat(received).hasSize(2);
  }

  @Test
  void aRuleWhoseTableIsMissingFiresNothingAndSaysWhy() {
    URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    AlertEvaluator alerts =
        new AlertEvaluator(lake, List.of(rule("high_cancellation_rate")), hook, Clock.systemUTC());
    received.clear();
    AlertEvaluator.Outcome o = alerts.evaluate().get(0);
    assertThat(o.fires()).isFalse();
    assertThat(o.error()).contains("orders_daily_metrics");
    assertThat(received).isEmpty();
  }
}
