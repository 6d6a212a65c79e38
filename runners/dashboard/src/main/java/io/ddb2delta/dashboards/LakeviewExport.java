package io.ddb2delta.dashboards;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A dashboard as a Lakeview export ({@code <name>.lvdash.json}, written by {@link BundleExport})
 * that the Databricks bundle deploys: one dataset per widget file, holding the file's SQL, and one
 * page that lays the widgets out two to a row on the 6-column grid. The SQL is the file's,
 * untouched, so the dashboards on Databricks and on the local dashboard run the same queries.
 */
public final class LakeviewExport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LakeviewExport() {}

  static ObjectNode export(Dashboard d) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode datasets = root.putArray("datasets");
    ObjectNode page = root.putArray("pages").addObject();
    page.put("name", d.name());
    page.put("displayName", d.title());
    ArrayNode layout = page.putArray("layout");
    int y = 0;
    int column = 0;
    int rowHeight = 0;
    for (WidgetSql w : d.widgets()) {
      ObjectNode ds = datasets.addObject();
      ds.put("name", w.name());
      ds.put("displayName", w.title());
      ArrayNode lines = ds.putArray("queryLines");
      List<String> sql = w.sql().lines().toList();
      for (int l = 0; l < sql.size(); l++) {
        lines.add(sql.get(l) + (l < sql.size() - 1 ? "\n" : ""));
      }
      ObjectNode item = layout.addObject();
      item.set("widget", widget(w));
      // Tables and time series take a whole row; the others two to a row.
      boolean wide = w.widget().equals("table") || w.widget().equals("line");
      int height = w.widget().equals("counter") ? 3 : 6;
      if (wide && column != 0) {
        y += rowHeight;
        column = 0;
        rowHeight = 0;
      }
      ObjectNode position = item.putObject("position");
      position.put("x", column);
      position.put("y", y);
      position.put("width", wide ? 6 : 3);
      position.put("height", height);
      rowHeight = Math.max(rowHeight, height);
      column += wide ? 6 : 3;
      if (column >= 6) {
        y += rowHeight;
        column = 0;
        rowHeight = 0;
      }
    }
    return root;
  }

  private static ObjectNode widget(WidgetSql w) {
    ObjectNode widget = JSON.createObjectNode();
    widget.put("name", w.name());
    ObjectNode query = widget.putArray("queries").addObject();
    query.put("name", "main_query");
    ObjectNode q = query.putObject("query");
    q.put("datasetName", w.name());
    ArrayNode fields = q.putArray("fields");
    for (String c : w.drawnColumns()) {
      ObjectNode f = fields.addObject();
      f.put("name", c);
      f.put("expression", "`" + c + "`");
    }
    // The datasets aggregate already: the widgets draw their rows as they are.
    q.put("disaggregated", true);
    ObjectNode spec = widget.putObject("spec");
    spec.put(
        "version",
        switch (w.widget()) {
          case "counter" -> 2;
          case "table" -> 1;
          default -> 3;
        });
    spec.put("widgetType", w.widget());
    ObjectNode encodings = spec.putObject("encodings");
    Map<String, String> f = w.fields();
    switch (w.widget()) {
      case "counter" -> encoding(encodings, "value", f.get("value"), null);
      case "pie" -> {
        encoding(encodings, "angle", f.get("angle"), "quantitative");
        encoding(encodings, "color", f.get("color"), "categorical");
      }
      case "table" -> {
        ArrayNode columns = encodings.putArray("columns");
        List<String> names = w.drawnColumns();
        for (int i = 0; i < names.size(); i++) {
          ObjectNode c = columns.addObject();
          c.put("fieldName", names.get(i));
          c.put("title", names.get(i));
          c.put("visible", true);
          c.put("order", 100000 + i);
        }
      }
      default -> {
        encoding(encodings, "x", f.get("x"), xScale(f.get("x")));
        encoding(encodings, "y", f.get("y"), "quantitative");
        if (f.containsKey("color")) {
          encoding(encodings, "color", f.get("color"), "categorical");
        }
      }
    }
    ObjectNode frame = spec.putObject("frame");
    frame.put("showTitle", true);
    frame.put("title", w.title());
    return widget;
  }

  private static void encoding(ObjectNode encodings, String channel, String field, String scale) {
    ObjectNode e = encodings.putObject(channel);
    e.put("fieldName", field);
    e.put("displayName", field);
    if (scale != null) {
      e.putObject("scale").put("type", scale);
    }
  }

  /** Time columns are named so: window_start, hour, minute, order_date. */
  static String xScale(String column) {
    return column.endsWith("_start")
            || column.equals("hour")
            || column.equals("minute")
            || column.endsWith("_date")
            || column.endsWith("_at")
        ? "temporal"
        : "categorical";
  }
}
