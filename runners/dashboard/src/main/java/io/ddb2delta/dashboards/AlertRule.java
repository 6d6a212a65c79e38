package io.ddb2delta.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An alert as a SQL file under {@code sql/alerts/}: header comments give its name ({@code alert}),
 * its {@code condition} ({@code <column> <op> <number>}, op one of {@code > >= < <= = !=}), its
 * {@code severity} and its {@code cooldown} ({@code 30s}, {@code 10m}, {@code 1h}); the query
 * returns one row, whose column the condition reads. The same file is evaluated locally and
 * deployed to Databricks as an Alerts v2 alert.
 */
public record AlertRule(
    String name,
    String displayName,
    String column,
    String operator,
    double threshold,
    String severity,
    Duration cooldown,
    String description,
    String sql) {

  private static final Pattern CONDITION =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(>=|<=|!=|>|<|=)\\s*(-?[0-9.]+(?:e-?[0-9]+)?)");

  public static List<AlertRule> loadAll(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".sql"))
          .sorted()
          .map(AlertRule::read)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static AlertRule read(Path file) {
    try {
      String name = file.getFileName().toString().replaceFirst("\\.sql$", "");
      return parse(name, Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static AlertRule parse(String name, String text, String origin) {
    java.util.Map<String, String> header = new java.util.LinkedHashMap<>();
    StringBuilder description = new StringBuilder();
    for (String line : text.lines().toList()) {
      String s = line.strip();
      if (!s.startsWith("--")) {
        break;
      }
      String body = s.substring(2).strip();
      Matcher key = Pattern.compile("^([a-z_]+):\\s*(.*)$").matcher(body);
      if (description.length() == 0 && key.matches()) {
        header.put(key.group(1), key.group(2).strip());
      } else {
        description.append(description.length() == 0 ? "" : " ").append(body);
      }
    }
    for (String k : List.of("alert", "condition", "severity", "cooldown")) {
      if (!header.containsKey(k)) {
        throw new IllegalArgumentException(origin + " needs a header line -- " + k + ": ...");
      }
    }
    Matcher c = CONDITION.matcher(header.get("condition"));
    if (!c.matches()) {
      throw new IllegalArgumentException(
          origin
              + ": condition \""
              + header.get("condition")
              + "\" is not <column> <op> <number>, op one of > >= < <= = !=");
    }
    return new AlertRule(
        name,
        header.get("alert"),
        c.group(1),
        c.group(2),
        Double.parseDouble(c.group(3)),
        header.get("severity").toUpperCase(Locale.ROOT),
        duration(header.get("cooldown"), origin),
        description.toString(),
        text.strip());
  }

  /** Whether a value meets the condition; a missing value never does. */
  public boolean fires(Double value) {
    if (value == null) {
      return false;
    }
    return switch (operator) {
      case ">" -> value > threshold;
      case ">=" -> value >= threshold;
      case "<" -> value < threshold;
      case "<=" -> value <= threshold;
      case "=" -> value == threshold;
      default -> value != threshold;
    };
  }

  /** The operator as Alerts v2 names it. */
  public String comparisonOperator() {
    return switch (operator) {
      case ">" -> "GREATER_THAN";
      case ">=" -> "GREATER_THAN_OR_EQUAL";
      case "<" -> "LESS_THAN";
      case "<=" -> "LESS_THAN_OR_EQUAL";
      case "=" -> "EQUAL";
      default -> "NOT_EQUAL";
    };
  }

  private static Duration duration(String text, String origin) {
    Matcher m = Pattern.compile("(\\d+)\\s*([smh])").matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          origin + ": cooldown \"" + text + "\" is not 30s, 10m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
