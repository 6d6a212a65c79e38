package io.ddb2delta.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the driver in-process with stand-in jobs, to show that it hands the job its own session and
 * notices a job that stops the context.
 */
class DatabricksDriverIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** Appends one row to the Delta table at its first argument, through the active session. */
  static final class AppendsARow {
    public static void main(String[] args) {
      SparkSession.active()
          .sql("CREATE TABLE IF NOT EXISTS delta.`" + args[0] + "` (n INT) USING delta");
      SparkSession.active().sql("INSERT INTO delta.`" + args[0] + "` VALUES (1)");
    }
  }

  /** What a JAR task must never do. */
  static final class StopsTheContext {
    public static void main(String[] args) {
      SparkContext.getOrCreate().stop();
    }
  }

  @Test
  void runsTheJobOnItsSessionAndQueriesAfterEachRun() throws IOException {
    Path table = tmp.resolve("table");
    Path out = tmp.resolve("out.json");

    int status =
        DatabricksDriver.run(
            driverArgs(
                AppendsARow.class,
                List.of("SELECT count(*) FROM delta.`" + table + "`"),
                out,
                "2",
                table.toString()));

    assertThat(status).isEqualTo(SparkSqlVerifier.OK);
    JsonNode runs = JSON.readTree(out.toFile()).get("runs");
    assertThat(runs).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode run = runs.get(i);
      assertThat(run.get("run").intValue()).isEqualTo(i + 1);
      assertThat(run.get("contextStopped").booleanValue()).isFalse();
      assertThat(run.get("sameContext").booleanValue()).isTrue();
      assertThat(run.get("results").get(0).get("rows").get(0).get(0).longValue()).isEqualTo(i + 1);
    }
  }

  @Test
  void failsWithoutOutputWhenTheJobStopsTheContext() throws IOException {
    Path out = tmp.resolve("out.json");

    int status =
        DatabricksDriver.run(driverArgs(StopsTheContext.class, List.of("SELECT 1"), out, "1"));

    assertThat(status).isEqualTo(SparkSqlVerifier.QUERY_FAILED);
    assertThat(out).doesNotExist();
  }

  private String[] driverArgs(
      Class<?> job, List<String> statements, Path out, String runs, String... jobArgs)
      throws IOException {
    Path queries = tmp.resolve("queries.json");
    JSON.writeValue(queries.toFile(), statements);
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--main",
                job.getName(),
                "--queries",
                queries.toString(),
                "--out",
                out.toString(),
                "--runs",
                runs,
                "--"));
    args.addAll(List.of(jobArgs));
    return args.toArray(String[]::new);
  }
}
