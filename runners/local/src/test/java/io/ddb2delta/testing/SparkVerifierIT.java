package io.ddb2delta.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Launches the Spark verifier JVM the way pipeline ITs will, and checks the parsed values. */
class SparkVerifierIT {

  @TempDir Path tmp;

  @Test
  void readsADeltaTableAndParsesEveryKindOfValue() {
    String table = "delta.`" + tmp.resolve("orders") + "`";

    List<QueryResult> results =
        SparkVerifier.query(
            "CREATE TABLE " + table + " (id BIGINT, total DECIMAL(12,2), at TIMESTAMP) USING delta",
            "INSERT INTO "
                + table
                + " VALUES (7, 10.50, TIMESTAMP '2024-03-01 12:34:56.000001'),"
                + " (8, NULL, NULL)",
            "SELECT * FROM " + table + " ORDER BY id",
            "SELECT count(*) FROM " + table,
            "SELECT 0.25D AS ratio, true AS flag, X'CAFE' AS bytes, DATE '2024-02-29' AS day,"
                + " array(1, NULL) AS ints, map('k', named_struct('a', 1L)) AS nested",
            "DESCRIBE HISTORY " + table);

    assertThat(results).hasSize(6);
    QueryResult orders = results.get(2);
    assertThat(orders.columnNames()).containsExactly("id", "total", "at");
    assertThat(orders.columnType("total")).isEqualTo("decimal(12,2)");
    assertThat(orders.rowCount()).isEqualTo(2);
    assertThat(orders.column("id")).containsExactly(7L, 8L);
    assertThat(orders.column("total")).containsExactly("10.50", null);
    assertThat(orders.value(0, "at")).isEqualTo("2024-03-01T12:34:56.000001Z");
    assertThat(orders.rowsAsMaps().get(1)).containsEntry("id", 8L).containsEntry("at", null);

    assertThat(results.get(3).singleValue()).isEqualTo(2L);

    assertThat(results.get(4).rowsAsMaps().get(0))
        .containsExactly(
            Map.entry("ratio", 0.25),
            Map.entry("flag", true),
            Map.entry("bytes", "yv4="),
            Map.entry("day", "2024-02-29"),
            Map.entry("ints", java.util.Arrays.asList(1L, null)),
            Map.entry("nested", Map.of("k", Map.of("a", 1L))));

    assertThat(results.get(5).column("operation")).containsExactly("WRITE", "CREATE TABLE");
  }

  @Test
  void failsWithSparksErrorWhenAStatementFails() {
    String missing = "delta.`" + tmp.resolve("missing") + "`";

    assertThatThrownBy(() -> SparkVerifier.query("SELECT * FROM " + missing))
        .isInstanceOf(SparkVerifierException.class)
        .hasMessageContaining("exited with 1")
        .satisfies(
            e ->
                assertThat(((SparkVerifierException) e).stderrTail())
                    .contains("statement 1 failed: SELECT * FROM " + missing)
                    .contains("PATH_NOT_FOUND"));
  }
}
