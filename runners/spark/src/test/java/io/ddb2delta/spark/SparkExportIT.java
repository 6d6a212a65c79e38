package io.ddb2delta.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.export.ExportFormat;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.pipelines.RunSummary;
import io.ddb2delta.tables.DeltaTargets;
import io.ddb2delta.testing.JobRuns;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.SparkVerifier;
import io.ddb2delta.tools.ExportType;
import io.ddb2delta.tools.ExportWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export load on the Spark runner ({@code local[2]}, batch) writes the same tables as on the
 * DirectRunner: an export of edge-case items and bad lines is loaded by both, and Spark SQL finds
 * no row in one that is not in the other, in bronze, silver and quarantine alike (the run's own
 * processing time aside). A second Spark run is a no-op.
 */
class SparkExportIT {
  @TempDir Path tmp;

  @Test
  void theSparkRunnerWritesTheSameTablesAsTheDirectRunner() throws IOException {
    Path mapping = copyResource("edge-items/edge-orders.yaml");
    Path export =
        ExportWriter.write(
                tmp.resolve("exports"),
                new ExportWriter.Description(
                    "orders",
                    "tbl-0001",
                    "01700000000000-sparkrun",
                    ExportFormat.DYNAMODB_JSON,
                    ExportType.FULL,
                    Instant.parse("2023-11-14T22:13:20Z"),
                    null),
                List.of(
                    lines("edge-items/edge-orders.jsonl"),
                    lines("export-lines/bad-lines.jsonl"),
                    List.of()))
            .directory();
    List<String> args = List.of("--exportPath=" + export + "/", "--tableConfig=" + mapping);
    Path direct = tmp.resolve("lake-direct");
    Path spark = tmp.resolve("lake-spark");

    RunSummary onDirect = JobRuns.run(with(args, "--deltaRoot=" + direct));
    RunSummary onSpark = JobRuns.run(onSpark(with(args, "--deltaRoot=" + spark)));
    RunSummary again = JobRuns.run(onSpark(with(args, "--deltaRoot=" + spark)));

    assertThat(onSpark.rowsAdded()).isEqualTo(onDirect.rowsAdded());
    assertThat(onSpark.quarantined()).as("bad lines quarantined").isPositive();
    assertThat(again.alreadyLoaded()).isTrue();
    assertThat(again.rowsAdded().values()).containsOnly(0L);

    Map<String, DeltaTableSchema> schemas =
        new DeltaTargets(direct.toString(), TableMapping.load(mapping)).schemas();
    List<String> sql = new ArrayList<>();
    for (Map.Entry<String, DeltaTableSchema> t : schemas.entrySet()) {
      String columns =
          t.getValue().columns().stream()
              .map(DeltaColumn::name)
              .filter(c -> !c.equals("processing_timestamp"))
              .map(c -> "`" + c + "`")
              .collect(Collectors.joining(", "));
      // As JSON: Spark's set operations refuse map columns.
      String a =
          "SELECT to_json(struct(" + columns + ")) FROM " + SparkJobs.table(direct, t.getKey());
      String b =
          "SELECT to_json(struct(" + columns + ")) FROM " + SparkJobs.table(spark, t.getKey());
      sql.add(
          "SELECT (SELECT count(*) FROM ("
              + a
              + ")), (SELECT count(*) FROM ("
              + a
              + " EXCEPT ALL "
              + b
              + ")), (SELECT count(*) FROM ("
              + b
              + " EXCEPT ALL "
              + a
              + "))");
    }
    List<QueryResult> r = SparkVerifier.query(sql);
    int i = 0;
    for (String table : schemas.keySet()) {
      List<Object> row = r.get(i++).rows().get(0);
      assertThat(row.get(0)).as("%s rows", table).isEqualTo(onDirect.rowsAdded().get(table));
      assertThat(row.subList(1, 3))
          .as("%s: rows only on the DirectRunner, rows only on the Spark runner", table)
          .containsExactly(0L, 0L);
    }
  }

  private static List<String> onSpark(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.add("--sparkMaster=local[2]");
    return Arrays.asList(SparkJob.withSparkDefaults(all.toArray(String[]::new), false));
  }

  private static List<String> with(List<String> args, String more) {
    List<String> all = new ArrayList<>(args);
    all.add(more);
    return all;
  }

  private Path copyResource(String name) throws IOException {
    Path file = tmp.resolve(Path.of(name).getFileName());
    try (InputStream in = SparkExportIT.class.getResourceAsStream("/" + name)) {
      Files.copy(in, file);
    }
    return file;
  }

  private static List<String> lines(String name) {
    try (InputStream in = SparkExportIT.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
