package io.ddb2delta.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shipped dashboards as files, and their Lakeview exports against the structure that FACTS §10
 * gives (datasets and pages; widgets with a main_query on a dataset, fields, and a spec whose
 * encodings name only those fields; a 6-column grid).
 */
class ShippedDashboardsTest {
  static final Path ROOT = Path.of("..", "..", "dashboards");

  @Test
  void theSeedsThreeDashboardsHaveFiveFourAndFourWidgets() {
    List<Dashboard> all = Dashboard.loadAll(ROOT);
    assertThat(all)
        .extracting(Dashboard::title)
        .containsExactly("Business Intelligence", "Operational Monitoring", "Order Monitoring");
    assertThat(all).extracting(d -> d.widgets().size()).containsExactly(4, 4, 5);
  }

  @Test
  void widgetsNameTheirTablesUnqualified() {
    for (Dashboard d : Dashboard.loadAll(ROOT)) {
      for (WidgetSql w : d.widgets()) {
        assertThat(w.sql()).as(w.name()).doesNotContain("delta.`").doesNotContain("${");
        assertThat(w.sql().toLowerCase()).as(w.name()).doesNotContainPattern("\\bas\\s+to\\b");
      }
    }
  }

  @Test
  void aWidgetFileWithoutItsFieldsIsRefusedNamingTheHeaderLine() {
    assertThatThrownBy(
            () -> WidgetSql.parse("x", "-- title: X\n-- widget: bar\n-- x: a\nSELECT 1", "x.sql"))
        .hasMessageContaining("x.sql needs a header line -- y:");
    assertThatThrownBy(
            () -> WidgetSql.parse("x", "-- title: X\n-- widget: gauge\nSELECT 1", "x.sql"))
        .hasMessageContaining("gauge is not one of");
  }

  @Test
  void everyExportHasTheLakeviewStructure() {
    ObjectMapper json = new ObjectMapper();
    for (Dashboard d : Dashboard.loadAll(ROOT)) {
      JsonNode root = json.valueToTree(LakeviewExport.export(d));
      Set<String> datasets = new HashSet<>();
      for (JsonNode ds : root.get("datasets")) {
        assertThat(ds.get("name").asText()).isNotBlank();
        assertThat(ds.get("displayName").asText()).isNotBlank();
        StringBuilder sql = new StringBuilder();
        ds.get("queryLines").forEach(l -> sql.append(l.asText()));
        assertThat(sql.toString()).contains("SELECT");
        datasets.add(ds.get("name").asText());
      }
      assertThat(root.get("pages")).hasSize(1);
      JsonNode page = root.get("pages").get(0);
      assertThat(page.get("displayName").asText()).isEqualTo(d.title());
      List<int[]> cells = new ArrayList<>();
      for (JsonNode item : page.get("layout")) {
        JsonNode widget = item.get("widget");
        JsonNode q = widget.get("queries").get(0);
        assertThat(q.get("name").asText()).isEqualTo("main_query");
        assertThat(datasets).contains(q.get("query").get("datasetName").asText());
        assertThat(q.get("query").get("disaggregated").asBoolean()).isTrue();
        Set<String> fields = new HashSet<>();
        for (JsonNode f : q.get("query").get("fields")) {
          assertThat(f.get("expression").asText()).isEqualTo("`" + f.get("name").asText() + "`");
          fields.add(f.get("name").asText());
        }
        JsonNode spec = widget.get("spec");
        String type = spec.get("widgetType").asText();
        int version = spec.get("version").asInt();
        switch (type) {
          case "counter" -> assertThat(version).isEqualTo(2);
          case "table" -> assertThat(version).isEqualTo(1);
          default -> assertThat(version).isEqualTo(3);
        }
        List<String> named = new ArrayList<>();
        spec.get("encodings")
            .fields()
            .forEachRemaining(
                e -> {
                  if (e.getValue().isArray()) {
                    e.getValue().forEach(c -> named.add(c.get("fieldName").asText()));
                  } else {
                    named.add(e.getValue().get("fieldName").asText());
                  }
                });
        assertThat(named).as(widget.get("name").asText()).isNotEmpty();
        assertThat(fields).as(widget.get("name").asText()).containsAll(named);
        switch (type) {
          case "counter" -> assertThat(spec.get("encodings").has("value")).isTrue();
          case "pie" -> assertThat(spec.get("encodings").has("angle")).isTrue();
          case "bar", "line" -> {
            assertThat(spec.get("encodings").get("x").get("scale").get("type").asText())
                .isIn("temporal", "categorical", "quantitative");
            assertThat(spec.get("encodings").get("y").get("scale").get("type").asText())
                .isEqualTo("quantitative");
          }
          default -> assertThat(spec.get("encodings").get("columns")).isNotEmpty();
        }
        assertThat(spec.get("frame").get("showTitle").asBoolean()).isTrue();
        JsonNode p = item.get("position");
        int x = p.get("x").asInt();
        int y = p.get("y").asInt();
        int w = p.get("width").asInt();
        int h = p.get("height").asInt();
        assertThat(x).isBetween(0, 5);
        assertThat(x + w).isLessThanOrEqualTo(6);
        for (int[] c : cells) {
          boolean apart = x + w <= c[0] || c[0] + c[2] <= x || y + h <= c[1] || c[1] + c[3] <= y;
          assertThat(apart).as("widgets overlap in " + d.name()).isTrue();
        }
        cells.add(new int[] {x, y, w, h});
      }
      assertThat(cells).hasSize(d.widgets().size());
    }
  }
}
