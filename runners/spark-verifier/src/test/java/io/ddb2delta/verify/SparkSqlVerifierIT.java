package io.ddb2delta.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the verifier in-process over a Delta table that Spark itself creates, and checks the JSON
 * rendering of every Spark type against hand-written values. One Spark session serves all the
 * rendering checks.
 */
class SparkSqlVerifierIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;

  private static Path table;
  private static JsonNode results;

  @BeforeAll
  static void runVerifierOverATableOfEveryType() throws IOException {
    table = tmp.resolve("types_table");
    String delta = "delta.`" + table + "`";
    List<String> sql =
        List.of(
            "CREATE TABLE types_table (id INT, amount DECIMAL(10,2), tiny DECIMAL(38,18),"
                + " huge DECIMAL(38,0), ts TIMESTAMP, day DATE, payload BINARY, tags ARRAY<STRING>,"
                + " attrs MAP<STRING,BIGINT>, nested STRUCT<name: STRING, scores: ARRAY<DOUBLE>>,"
                + " flag BOOLEAN, n BIGINT, ratio DOUBLE, note STRING) USING delta LOCATION '"
                + table
                + "'",
            "INSERT INTO types_table VALUES"
                + " (1, 12345678.90, 0.00000001, CAST('1E+20' AS DECIMAL(38,0)),"
                + " TIMESTAMP '2024-03-01 12:34:56.789123', DATE '2024-02-29', X'DEADBEEF',"
                + " array('a', NULL, 'c'), map('x', 1L, 'y', NULL),"
                + " named_struct('name', 'n', 'scores', array(1.5D, 2.25D)),"
                + " true, 9007199254740993, 0.1D, 'h\u00e9llo \"quoted\"'),"
                + " (2, -0.50, NULL, NULL, TIMESTAMP '1999-12-31 23:59:59', NULL, X'',"
                + " array(), map(), named_struct('name', '', 'scores', array()), false, NULL, NULL,"
                + " ''),"
                + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                + " named_struct('name', NULL, 'scores', NULL), NULL, NULL, NULL, NULL)",
            "SELECT * FROM " + delta + " ORDER BY id",
            "DESCRIBE TABLE " + delta,
            "DESCRIBE DETAIL " + delta,
            "DESCRIBE HISTORY " + delta,
            "SELECT CAST(NULL AS STRUCT<a: INT>) AS s, CAST(NULL AS ARRAY<INT>) AS a,"
                + " CAST(NULL AS MAP<STRING, INT>) AS m, map(1, 'one') AS int_keys,"
                + " map(DATE '2024-01-02', 2) AS date_keys");
    Path out = tmp.resolve("out.json");

    int status = SparkSqlVerifier.run(args(sql, out));

    assertThat(status).isEqualTo(SparkSqlVerifier.OK);
    results = JSON.readTree(out.toFile());
  }

  @Test
  void writesOneResultPerStatementInOrder() {
    assertThat(results.size()).isEqualTo(7);
    assertThat(results.get(2).get("sql").asText()).startsWith("SELECT * FROM delta.`");
    assertThat(results.get(0).get("rows").size()).isZero();
  }

  @Test
  void namesColumnsWithSparkSimpleTypes() throws IOException {
    assertThat(results.get(2).get("columns"))
        .isEqualTo(
            json(
                """
                [{"name":"id","type":"int"},
                 {"name":"amount","type":"decimal(10,2)"},
                 {"name":"tiny","type":"decimal(38,18)"},
                 {"name":"huge","type":"decimal(38,0)"},
                 {"name":"ts","type":"timestamp"},
                 {"name":"day","type":"date"},
                 {"name":"payload","type":"binary"},
                 {"name":"tags","type":"array<string>"},
                 {"name":"attrs","type":"map<string,bigint>"},
                 {"name":"nested","type":"struct<name:string,scores:array<double>>"},
                 {"name":"flag","type":"boolean"},
                 {"name":"n","type":"bigint"},
                 {"name":"ratio","type":"double"},
                 {"name":"note","type":"string"}]
                """));
  }

  @Test
  void rendersEveryTypeExactly() throws IOException {
    assertThat(results.get(2).get("rows").get(0))
        .isEqualTo(
            json(
                """
                [1, "12345678.90", "0.000000010000000000", "100000000000000000000",
                 "2024-03-01T12:34:56.789123Z", "2024-02-29", "3q2+7w==",
                 ["a", null, "c"], {"x": 1, "y": null},
                 {"name": "n", "scores": [1.5, 2.25]},
                 true, 9007199254740993, 0.1, "h\u00e9llo \\"quoted\\""]
                """));
  }

  @Test
  void rendersEmptyValuesAndWholeSecondsWithoutLosingPrecision() throws IOException {
    assertThat(results.get(2).get("rows").get(1))
        .isEqualTo(
            json(
                """
                [2, "-0.50", null, null, "1999-12-31T23:59:59.000000Z", null, "",
                 [], {}, {"name": "", "scores": []}, false, null, null, ""]
                """));
  }

  @Test
  void rendersNullsAsJsonNullAtEveryDepth() throws IOException {
    assertThat(results.get(2).get("rows").get(2))
        .isEqualTo(
            json(
                """
                [3, null, null, null, null, null, null, null, null,
                 {"name": null, "scores": null}, null, null, null, null]
                """));
  }

  @Test
  void rendersNullContainersAsNullAndMapKeysAsText() throws IOException {
    assertThat(results.get(6).get("rows").get(0))
        .isEqualTo(json("[null, null, null, {\"1\": \"one\"}, {\"2024-01-02\": 2}]"));
  }

  @Test
  void keepsNativeJsonNumbersExact() {
    JsonNode first = results.get(2).get("rows").get(0);
    assertThat(first.get(0).isInt()).isTrue();
    assertThat(first.get(11).isIntegralNumber()).isTrue();
    assertThat(first.get(11).longValue()).isEqualTo(9007199254740993L);
    assertThat(first.get(12).isDouble()).isTrue();
  }

  @Test
  void describesTheDeltaTable() {
    JsonNode describe = results.get(3).get("rows");
    assertThat(describe.get(1).get(0).asText()).isEqualTo("amount");
    assertThat(describe.get(1).get(1).asText()).isEqualTo("decimal(10,2)");

    JsonNode detail = byName(results.get(4), 0);
    assertThat(detail.get("format").asText()).isEqualTo("delta");
    assertThat(detail.get("location").asText()).endsWith("types_table");
    assertThat(detail.get("partitionColumns").isArray()).isTrue();
    assertThat(detail.get("properties").isObject()).isTrue();
    assertThat(detail.get("createdAt").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT[\\d:]{8}\\.\\d{6}Z");
    assertThat(detail.get("minReaderVersion").isInt()).isTrue();
  }

  @Test
  void readsTheTableHistory() {
    JsonNode history = results.get(5);
    assertThat(history.get("rows").size()).isEqualTo(2);
    assertThat(byName(history, 0).get("operation").asText()).isEqualTo("WRITE");
    assertThat(byName(history, 1).get("operation").asText()).isEqualTo("CREATE TABLE");
    assertThat(byName(history, 0).get("operationParameters").isObject()).isTrue();
  }

  @Test
  void failsWithTheStatementOnStderrWhenAQueryFails() throws IOException {
    Path out = tmp.resolve("failed.json");
    String missing = "SELECT * FROM delta.`" + tmp.resolve("no_such_table") + "`";
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream original = System.err;
    int status;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      status = SparkSqlVerifier.run(args(List.of("SELECT 1", missing), out));
    } finally {
      System.setErr(original);
    }

    assertThat(status).isEqualTo(SparkSqlVerifier.QUERY_FAILED);
    assertThat(out).doesNotExist();
    assertThat(stderr.toString(StandardCharsets.UTF_8))
        .contains("statement 2 failed: " + missing)
        .contains("no_such_table");
  }

  @Test
  void rejectsMissingArguments() {
    assertThat(SparkSqlVerifier.run("--queries")).isEqualTo(SparkSqlVerifier.USAGE);
    assertThat(SparkSqlVerifier.run("--out", "x.json")).isEqualTo(SparkSqlVerifier.USAGE);
  }

  private static String[] args(List<String> sql, Path out) throws IOException {
    Path queries = Files.createTempFile(tmp, "queries", ".json");
    JSON.writeValue(queries.toFile(), sql);
    return new String[] {"--queries", queries.toString(), "--out", out.toString()};
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  /** One row of a result as an object keyed by column name. */
  private static JsonNode byName(JsonNode result, int row) {
    var node = JSON.createObjectNode();
    JsonNode columns = result.get("columns");
    JsonNode values = result.get("rows").get(row);
    List<String> names = new ArrayList<>();
    columns.forEach(c -> names.add(c.get("name").asText()));
    for (int i = 0; i < names.size(); i++) {
      node.set(names.get(i), values.get(i));
    }
    return node;
  }
}
