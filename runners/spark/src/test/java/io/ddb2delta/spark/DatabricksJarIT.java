package io.ddb2delta.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ddb2delta.export.ExportManifest;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.pipelines.SampleExport;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.QuarantineTable;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.SparkVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Databricks jar as a cluster runs it: on the runtime's classpath (Spark 3.5 with delta-spark,
 * from the spark-verifier module) with the shaded jar appended, started through {@code
 * DatabricksDriver}, which creates the session first and calls {@link DatabricksJob#main} as a JAR
 * task does. Nothing from this module's test classpath reaches that JVM, so a conflict between what
 * the jar bundles and what the runtime has (apache/beam#23568) fails here, as it would on a
 * cluster.
 *
 * <p>The job loads the shipped sample export twice on the same context. Spark SQL then checks the
 * first load against the export's own manifest, and that the second changed nothing.
 */
class DatabricksJarIT {

  static final String JAR_PROPERTY = "ddb2delta.databricks.jar";
  private static final String DRIVER = "io.ddb2delta.verify.DatabricksDriver";
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;

  private static ExportManifest manifest;
  private static List<Run> runs;
  private static List<JsonNode> summaries;

  /** One run of the job: the driver's record of it and the statements' results after it. */
  record Run(boolean contextStopped, boolean sameContext, Counts counts, List<Long> versions) {}

  /** What the tables hold, in the order of {@link #statements}. */
  record Counts(
      long bronze, long distinctEventIds, long notFromExport, long silver, long quarantined) {}

  @BeforeAll
  static void loadTheSampleTwiceOnOneContext() throws IOException {
    manifest = ExportManifest.read(SampleExport.location(), SampleExport.TABLE);
    Path root = tmp.resolve("delta");
    Path queries = tmp.resolve("queries.json");
    Path out = tmp.resolve("out.json");
    JSON.writeValue(queries.toFile(), statements(root));

    SparkVerifier.runMain(
        DRIVER,
        List.of(databricksJar()),
        List.of(
            "--main",
            DatabricksJob.class.getName(),
            "--queries",
            queries.toString(),
            "--out",
            out.toString(),
            "--runs",
            "2",
            "--",
            "--source=export",
            "--deltaRoot=" + root,
            "--summaryFile=" + tmp.resolve("summary-{run}.json")),
        tmp,
        TIMEOUT);

    runs = new ArrayList<>();
    for (JsonNode run : JSON.readTree(out.toFile()).get("runs")) {
      List<QueryResult> results = SparkVerifier.parse(run.get("results"));
      runs.add(
          new Run(
              run.get("contextStopped").booleanValue(),
              run.get("sameContext").booleanValue(),
              new Counts(
                  count(results.get(0)),
                  count(results.get(1)),
                  count(results.get(2)),
                  count(results.get(3)),
                  count(results.get(4))),
              results.subList(5, 8).stream().map(DatabricksJarIT::latestVersion).toList()));
    }
    summaries = new ArrayList<>();
    for (int run = 1; run <= runs.size(); run++) {
      summaries.add(JSON.readTree(tmp.resolve("summary-" + run + ".json").toFile()));
    }
  }

  @Test
  void loadsEveryItemOfTheManifestIntoBronzeOnce() {
    Counts first = runs.get(0).counts();
    assertThat(first.bronze()).isEqualTo(manifest.itemCount());
    assertThat(first.distinctEventIds()).isEqualTo(first.bronze());
    assertThat(first.notFromExport()).isZero();
  }

  @Test
  void silverHoldsEveryItemThatWasNotQuarantined() {
    Counts first = runs.get(0).counts();
    assertThat(first.quarantined()).isLessThan(manifest.itemCount());
    assertThat(first.silver()).isEqualTo(manifest.itemCount() - first.quarantined());
  }

  @Test
  void leavesTheClustersContextRunning() {
    assertThat(runs).hasSize(2);
    for (Run run : runs) {
      assertThat(run.contextStopped()).isFalse();
      assertThat(run.sameContext()).isTrue();
    }
  }

  @Test
  void aSecondRunReportsAlreadyLoadedAndChangesNoTable() {
    assertThat(summaries.get(0).get("alreadyLoaded").booleanValue()).isFalse();
    assertThat(summaries.get(1).get("alreadyLoaded").booleanValue()).isTrue();
    summaries.get(1).get("rowsAdded").forEach(added -> assertThat(added.longValue()).isZero());
    assertThat(runs.get(1).counts()).isEqualTo(runs.get(0).counts());
    assertThat(runs.get(1).versions()).isEqualTo(runs.get(0).versions());
  }

  private static List<String> statements(Path root) {
    String bronze = table(root, BronzeTable.NAME);
    String silver = table(root, TableMapping.shipped(manifest.tableName()).silverTable());
    String quarantine = table(root, QuarantineTable.NAME);
    return List.of(
        "SELECT count(*) FROM " + bronze,
        "SELECT count(DISTINCT event_id) FROM " + bronze,
        "SELECT count(*) FROM " + bronze + " WHERE source IS DISTINCT FROM 'export'",
        "SELECT count(*) FROM " + silver,
        "SELECT count(*) FROM " + quarantine,
        "DESCRIBE HISTORY " + bronze,
        "DESCRIBE HISTORY " + silver,
        "DESCRIBE HISTORY " + quarantine);
  }

  private static String table(Path root, String name) {
    return "delta.`" + root.resolve(name).toAbsolutePath() + "`";
  }

  private static long count(QueryResult result) {
    return (Long) result.singleValue();
  }

  private static long latestVersion(QueryResult history) {
    return history.column("version").stream().mapToLong(v -> (Long) v).max().orElseThrow();
  }

  /** The shaded jar this module packages, named by Failsafe. */
  static Path databricksJar() {
    String configured = System.getProperty(JAR_PROPERTY);
    assertThat(configured)
        .as("%s (set by Failsafe; run `mvn -pl runners/spark verify`)", JAR_PROPERTY)
        .isNotNull();
    Path jar = Path.of(configured);
    assertThat(Files.isRegularFile(jar))
        .as("%s is missing; `mvn -pl runners/spark package` builds it", jar)
        .isTrue();
    return jar;
  }
}
