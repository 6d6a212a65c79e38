package io.ddb2delta.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

  @Test
  void jsonKeepsEveryFieldEvenWithQuotesAndControlCharacters() throws Exception {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("dynamodb_quarantine", 2L);
    rows.put("orders_silver", 8L);
    rows.put("dynamodb_bronze", 10L);
    RunSummary summary =
        new RunSummary(
            "export \"x\"\tof C:\\exports\n",
            12,
            rows,
            "dynamodb_quarantine",
            false,
            1.5,
            3.25,
            1024);

    JsonNode json = new ObjectMapper().readTree(summary.toJson());

    assertThat(json.get("description").asText()).isEqualTo("export \"x\"\tof C:\\exports\n");
    assertThat(json.get("recordsRead").asLong()).isEqualTo(12);
    assertThat(json.get("quarantined").asLong()).isEqualTo(2);
    assertThat(json.get("alreadyLoaded").asBoolean()).isFalse();
    assertThat(json.get("rowsAdded").get("orders_silver").asLong()).isEqualTo(8);
    assertThat(json.get("wallSeconds").asDouble()).isEqualTo(1.5);
    assertThat(json.get("cpuSeconds").asDouble()).isEqualTo(3.25);
    assertThat(json.get("peakRssBytes").asLong()).isEqualTo(1024);
  }
}
