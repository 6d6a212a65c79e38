package io.ddb2delta.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The independent Delta reader: runs Spark SQL statements with delta-spark in a fresh local session
 * and writes what Spark returned as JSON.
 *
 * <p>Usage: {@code SparkSqlVerifier --queries FILE --out FILE}, where the queries file is a JSON
 * array of SQL strings. The statements run in order in one session, so a {@code CREATE TABLE} is
 * visible to the statements after it. The output file is a JSON array with one {@code {"sql",
 * "columns", "rows"}} object per statement (values as rendered by {@link SparkJson}), and is
 * written only when every statement succeeded. Otherwise the process exits with status 1 after
 * printing the failing statement and its error on stderr; bad arguments exit with status 2.
 */
public final class SparkSqlVerifier {

  static final int OK = 0;
  static final int QUERY_FAILED = 1;
  static final int USAGE = 2;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SparkSqlVerifier() {}

  /**
   * Exits explicitly, because Spark can leave non-daemon threads behind after the session stops.
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the verifier in this JVM and returns the process exit status {@link #main} would use. */
  public static int run(String... args) {
    Arguments arguments;
    List<String> statements;
    try {
      arguments = Arguments.parse(args);
      statements = readStatements(arguments.queries());
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("SparkSqlVerifier: " + e.getMessage());
      System.err.println("usage: SparkSqlVerifier --queries FILE(JSON array of SQL) --out FILE");
      return USAGE;
    }

    Path warehouse = createTempDirectory();
    SparkSession spark =
        session("local[1]", warehouse).appName("ddb2delta-spark-verifier").getOrCreate();
    try {
      JSON.writeValue(arguments.out().toFile(), query(spark, statements));
      return OK;
    } catch (StatementFailedException e) {
      report(e);
      return QUERY_FAILED;
    } catch (IOException e) {
      System.err.println("SparkSqlVerifier: cannot write " + arguments.out() + ": " + e);
      return QUERY_FAILED;
    } finally {
      spark.stop();
      deleteRecursively(warehouse);
    }
  }

  /**
   * Runs the statements in order in {@code spark} and returns one {@code {"sql", "columns", "rows",
   * "millis"}} object per statement (millis: planning and collecting it); stops at the first that
   * fails.
   */
  static ArrayNode query(SparkSession spark, List<String> statements)
      throws StatementFailedException {
    ArrayNode results = JSON.createArrayNode();
    for (int i = 0; i < statements.size(); i++) {
      String sql = statements.get(i);
      try {
        long started = System.nanoTime();
        Dataset<Row> result = spark.sql(sql);
        List<Row> rows = result.collectAsList();
        ObjectNode r = SparkJson.result(sql, result.schema(), rows);
        r.put("millis", (System.nanoTime() - started) / 1_000_000);
        results.add(r);
      } catch (Exception e) { // Scala's AnalysisException is a checked exception in Java's eyes.
        throw new StatementFailedException(i + 1, sql, e);
      }
    }
    return results;
  }

  /** Prints a failed statement's error, with the summary last for callers that show the tail. */
  static void report(StatementFailedException e) {
    e.getCause().printStackTrace(System.err);
    System.err.println("SparkSqlVerifier: " + e.getMessage());
  }

  /** Reads a JSON array of SQL strings. */
  static List<String> readStatements(Path file) throws IOException {
    return List.of(JSON.readValue(file.toFile(), String[].class));
  }

  /**
   * A local session with Delta's SQL extension and catalog, as Databricks configures them, the
   * driver on the loopback address, no UI, UTC, and the settings that keep a small run cheap.
   */
  static SparkSession.Builder session(String master, Path warehouse) {
    return SparkSession.builder()
        .master(master)
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", warehouse.toUri().toString())
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        // Instant and LocalDate instead of java.sql types, which render through the JVM time zone.
        .config("spark.sql.datetime.java8API.enabled", "true")
        // Delta's default of 50 partitions makes each snapshot load 50 tasks on one core.
        .config("spark.databricks.delta.snapshotPartitions", "1");
  }

  /** The JSON writer both mains use. */
  static ObjectMapper json() {
    return JSON;
  }

  static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("spark-verifier-warehouse");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("SparkSqlVerifier: could not delete " + dir + ": " + e);
    }
  }

  /** A statement failed; the message names it and its position, the cause is Spark's error. */
  static final class StatementFailedException extends Exception {
    StatementFailedException(int position, String sql, Exception cause) {
      super("statement " + position + " failed: " + sql + "\n" + cause, cause);
    }
  }

  /** The two required options. */
  record Arguments(Path queries, Path out) {

    static Arguments parse(String... args) {
      Path queries = null;
      Path out = null;
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value for " + name);
        }
        switch (name) {
          case "--queries" -> queries = Path.of(args[++i]);
          case "--out" -> out = Path.of(args[++i]);
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      if (queries == null || out == null) {
        throw new IllegalArgumentException("--queries and --out are required");
      }
      return new Arguments(queries, out);
    }
  }
}
