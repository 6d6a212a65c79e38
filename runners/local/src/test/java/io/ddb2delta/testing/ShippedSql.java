package io.ddb2delta.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The statements of a file under the repository's {@code sql/}, as a tool would run them. */
public final class ShippedSql {
  private static final Pattern LOCATION = Pattern.compile("LOCATION '([^']+)'");

  private ShippedSql() {}

  /**
   * The file's statements (split on a semicolon that ends a line, comment lines dropped), with each
   * {@code ${name}} replaced by its value.
   */
  public static List<String> statements(String file, Map<String, String> vars) {
    String text;
    try {
      text = Files.readString(Path.of("..", "..", "sql").resolve(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Map.Entry<String, String> v : vars.entrySet()) {
      text = text.replace("${" + v.getKey() + "}", v.getValue());
    }
    List<String> statements = new ArrayList<>();
    for (String part : text.split(";\\s*\\n")) {
      String statement =
          part.lines()
              .filter(l -> !l.strip().startsWith("--"))
              .collect(Collectors.joining("\n"))
              .strip();
      if (!statement.isEmpty()) {
        statements.add(
            statement.endsWith(";") ? statement.substring(0, statement.length() - 1) : statement);
      }
    }
    return statements;
  }

  /**
   * Of register_tables.sql's statements, those a lake can run: Spark cannot register a Delta
   * location that holds no table.
   */
  public static List<String> registrations(Map<String, String> vars) {
    List<String> out = new ArrayList<>();
    for (String statement : statements("ddl/register_tables.sql", vars)) {
      Matcher location = LOCATION.matcher(statement);
      if (!location.find() || Files.exists(Path.of(location.group(1)))) {
        out.add(statement);
      }
    }
    return out;
  }
}
