package io.ddb2delta.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRuleTest {
  static final Path RULES = Path.of("..", "..", "sql", "alerts");

  @Test
  void theShippedRulesParse() {
    List<AlertRule> rules = AlertRule.loadAll(RULES);
    assertThat(rules)
        .extracting(AlertRule::name)
        .containsExactly(
            "high_cancellation_rate", "low_order_volume", "order_anomaly", "pipeline_lag");
    AlertRule low = rules.get(1);
    assertThat(low.column()).isEqualTo("orders");
    assertThat(low.operator()).isEqualTo("<");
    assertThat(low.threshold()).isEqualTo(5.0);
    assertThat(low.cooldown()).isEqualTo(Duration.ofMinutes(15));
    assertThat(low.fires(4.0)).isTrue();
    assertThat(low.fires(5.0)).isFalse();
    assertThat(low.fires(null)).isFalse();
    assertThat(low.comparisonOperator()).isEqualTo("LESS_THAN");
  }

  @Test
  void aBadConditionIsRefusedNamingTheFile() {
    assertThatThrownBy(
            () ->
                AlertRule.parse(
                    "x",
                    "-- alert: X\n-- condition: orders about 5\n-- severity: LOW\n-- cooldown: 1m\nSELECT 1",
                    "x.sql"))
        .hasMessageContaining("x.sql: condition \"orders about 5\"");
  }

  /** Alerts v2 as FACTS §10 gives it, with the SQL inlined rather than referenced. */
  @Test
  void theBundleAlertsInlineTheSqlInTheAlertsV2Shape() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode alerts =
        yaml.readTree(yaml.writeValueAsString(BundleExport.alerts(RULES)))
            .get("resources")
            .get("alerts");
    assertThat(alerts.size()).isEqualTo(4);
    JsonNode lag = alerts.get("ddb2delta_pipeline_lag");
    assertThat(lag.get("query_text").asText())
        .contains("FROM pipeline_health")
        .doesNotContain("${file");
    assertThat(lag.get("warehouse_id").asText()).isEqualTo("${var.warehouse_id}");
    JsonNode e = lag.get("evaluation");
    assertThat(e.get("source").get("name").asText()).isEqualTo("lag_seconds");
    assertThat(e.get("comparison_operator").asText()).isEqualTo("GREATER_THAN");
    assertThat(e.get("threshold").get("value").get("double_value").asDouble()).isEqualTo(60.0);
    assertThat(e.get("notification").get("retrigger_seconds").asLong()).isEqualTo(600);
    assertThat(lag.get("schedule").get("quartz_cron_schedule").asText()).isNotBlank();
    assertThat(lag.has("custom_subject")).isFalse();
  }
}
