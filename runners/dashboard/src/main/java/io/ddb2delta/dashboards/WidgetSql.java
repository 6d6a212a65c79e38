package io.ddb2delta.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One dashboard widget as a SQL file: header comments ({@code -- key: value}) say how to draw it,
 * the rest is the query, which names tables unqualified. The same file feeds the local dashboard
 * and the Lakeview export.
 *
 * <p>Keys: {@code title}, {@code widget} (counter, line, bar, pie, table), and the fields each
 * widget draws: counter {@code value}; line and bar {@code x}, {@code y}, optional {@code color};
 * pie {@code angle} and {@code color}; table {@code columns} (comma-separated). Comment lines after
 * the header describe the widget.
 */
public record WidgetSql(
    String name,
    String title,
    String widget,
    Map<String, String> fields,
    String description,
    String sql) {

  static final Set<String> WIDGETS = Set.of("counter", "line", "bar", "pie", "table");
  private static final Map<String, List<String>> REQUIRED =
      Map.of(
          "counter", List.of("value"),
          "line", List.of("x", "y"),
          "bar", List.of("x", "y"),
          "pie", List.of("angle", "color"),
          "table", List.of("columns"));

  public static WidgetSql read(Path file) {
    try {
      String name = file.getFileName().toString().replaceFirst("\\.sql$", "");
      return parse(name, Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static WidgetSql parse(String name, String text, String origin) {
    Map<String, String> header = new LinkedHashMap<>();
    StringBuilder description = new StringBuilder();
    boolean inHeader = true;
    for (String line : text.lines().toList()) {
      String s = line.strip();
      if (!s.startsWith("--")) {
        break;
      }
      String body = s.substring(2).strip();
      int colon = body.indexOf(':');
      String key = colon > 0 ? body.substring(0, colon).strip() : "";
      if (inHeader && key.matches("[a-z_]+") && !key.contains(" ")) {
        header.put(key, body.substring(colon + 1).strip());
      } else {
        inHeader = false;
        description.append(description.length() == 0 ? "" : " ").append(body);
      }
    }
    String title = require(header, "title", origin);
    String widget = require(header, "widget", origin).toLowerCase(Locale.ROOT);
    if (!WIDGETS.contains(widget)) {
      throw new IllegalArgumentException(
          origin + ": widget: " + widget + " is not one of " + WIDGETS);
    }
    Map<String, String> fields = new LinkedHashMap<>(header);
    fields.remove("title");
    fields.remove("widget");
    for (String f : REQUIRED.get(widget)) {
      require(fields, f, origin);
    }
    return new WidgetSql(name, title, widget, fields, description.toString(), text.strip());
  }

  /** The columns a widget draws, in order: what its query must return. */
  public List<String> drawnColumns() {
    if (widget.equals("table")) {
      return Arrays.stream(fields.get("columns").split(",")).map(String::strip).toList();
    }
    List<String> out = new ArrayList<>();
    for (String f : List.of("x", "y", "color", "value", "angle")) {
      if (fields.containsKey(f) && !out.contains(fields.get(f))) {
        out.add(fields.get(f));
      }
    }
    return out;
  }

  /** The tables the query names after FROM or JOIN. */
  public java.util.Set<String> tables() {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)\\b(?:FROM|JOIN)\\s+([A-Za-z_][A-Za-z0-9_]*)")
            .matcher(sql);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String require(Map<String, String> header, String key, String origin) {
    String v = header.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(origin + " needs a header line -- " + key + ": ...");
    }
    return v;
  }
}
