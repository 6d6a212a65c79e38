package io.ddb2delta.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Asks an independent reader, Spark 3.5 with delta-spark, what it sees: runs SQL in a separate JVM
 * ({@code io.ddb2delta.verify.SparkSqlVerifier}) and returns one {@link QueryResult} per statement.
 *
 * <p>Spark's classpath never touches the test's: the child JVM gets the verifier jar plus the
 * classpath file that the {@code spark-verifier} module writes, taken from the system properties
 * {@value #CLASSPATH_PROPERTY} and {@value #JAR_PROPERTY} (set by Failsafe), or else from {@code
 * runners/spark-verifier/target} next to the working directory (for runs from an IDE). Starting
 * Spark costs about 10 s, so pass all the statements of a test in one call: they run in order in
 * one session. A failed statement, a failed start or a run over {@link #TIMEOUT} throws {@link
 * SparkVerifierException} with the end of the verifier's stderr.
 */
public final class SparkVerifier {

  public static final String CLASSPATH_PROPERTY = "spark.verifier.classpath";
  public static final String JAR_PROPERTY = "spark.verifier.jar";
  public static final Duration TIMEOUT = Duration.ofMinutes(5);

  private static final String MAIN_CLASS = "io.ddb2delta.verify.SparkSqlVerifier";
  private static final int STDERR_TAIL_LINES = 60;

  private static final ObjectMapper JSON = new ObjectMapper();

  private SparkVerifier() {}

  public static List<QueryResult> query(String... sql) {
    return query(List.of(sql));
  }

  /** Runs the statements in order in one Spark session; returns their results in the same order. */
  public static List<QueryResult> query(List<String> sql) {
    if (sql.isEmpty()) {
      return List.of();
    }
    Path work = createWorkDirectory();
    Path queries = work.resolve("queries.json");
    Path out = work.resolve("results.json");
    try {
      JSON.writeValue(queries.toFile(), sql);
      runMain(
          MAIN_CLASS,
          List.of(),
          List.of("--queries", queries.toString(), "--out", out.toString()),
          work,
          TIMEOUT);
      List<QueryResult> results = parse(JSON.readTree(out.toFile()));
      // Kept only when it failed, for whoever reads the exception.
      deleteRecursively(work);
      return results;
    } catch (IOException e) {
      throw new SparkVerifierException("cannot run the Spark verifier in " + work, e);
    }
  }

  /**
   * Runs a main class of the verifier module in a child JVM set up as the verifier's own, with
   * {@code extraJars} appended to its classpath (after Spark's, as a cluster appends library jars);
   * its stdout and stderr go to {@code stdout.log} and {@code stderr.log} in {@code work}. Throws
   * {@link SparkVerifierException} with the end of stderr if it exits non-zero or runs over {@code
   * timeout}.
   */
  public static void runMain(
      String mainClass, List<Path> extraJars, List<String> args, Path work, Duration timeout) {
    Path stderr = work.resolve("stderr.log");
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx1g");
      // A short-lived JVM: C1 alone and the serial collector start faster on a shared 2-core
      // machine.
      command.add("-XX:TieredStopAtLevel=1");
      command.add("-XX:+UseSerialGC");
      command.addAll(io.ddb2delta.tools.JobCommand.ADD_OPENS);
      StringBuilder classpath = new StringBuilder(classpath());
      extraJars.forEach(jar -> classpath.append(File.pathSeparator).append(jar));
      command.addAll(List.of("-cp", classpath.toString(), mainClass));
      command.addAll(args);

      Process process =
          new ProcessBuilder(command)
              .redirectOutput(work.resolve("stdout.log").toFile())
              .redirectError(stderr.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new SparkVerifierException(
            mainClass + " timed out after " + timeout + "; logs in " + work, tail(stderr));
      }
      if (process.exitValue() != 0) {
        throw new SparkVerifierException(
            mainClass + " exited with " + process.exitValue() + "; logs in " + work, tail(stderr));
      }
    } catch (IOException e) {
      throw new SparkVerifierException("cannot run " + mainClass + " in " + work, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SparkVerifierException("interrupted while waiting for " + mainClass, e);
    }
  }

  private static String classpath() throws IOException {
    Path classpathFile = artifact(CLASSPATH_PROPERTY, "spark-classpath.txt");
    Path jar = artifact(JAR_PROPERTY, "ddb2delta-spark-verifier-*.jar");
    return Files.readString(classpathFile, StandardCharsets.UTF_8).trim()
        + File.pathSeparator
        + jar;
  }

  private static Path artifact(String property, String glob) throws IOException {
    String configured = System.getProperty(property);
    if (configured != null) {
      Path path = Path.of(configured);
      if (Files.isRegularFile(path)) {
        return path;
      }
      throw new SparkVerifierException(
          property + " names a missing file: " + path + "; " + buildHint(), "");
    }
    for (String target : List.of("../spark-verifier/target", "runners/spark-verifier/target")) {
      Path dir = Path.of(target).toAbsolutePath().normalize();
      if (Files.isDirectory(dir)) {
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(dir, glob)) {
          for (Path match : matches) {
            return match;
          }
        }
      }
    }
    throw new SparkVerifierException(
        "no "
            + glob
            + " in runners/spark-verifier/target and "
            + property
            + " is not set; "
            + buildHint(),
        "");
  }

  private static String buildHint() {
    return "build it with: mvn -pl runners/spark-verifier -am install -DskipTests";
  }

  /**
   * Reads results as the verifier writes them: a JSON array of {@code {"sql", "columns", "rows"}}.
   */
  public static List<QueryResult> parse(JsonNode results) {
    List<QueryResult> parsed = new ArrayList<>();
    for (JsonNode result : results) {
      List<QueryResult.Column> columns = new ArrayList<>();
      for (JsonNode column : result.get("columns")) {
        columns.add(
            new QueryResult.Column(column.get("name").asText(), column.get("type").asText()));
      }
      List<List<Object>> rows = new ArrayList<>();
      for (JsonNode row : result.get("rows")) {
        rows.add(list(row));
      }
      parsed.add(new QueryResult(result.get("sql").asText(), columns, rows));
    }
    return List.copyOf(parsed);
  }

  private static Object value(JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isArray()) {
      return list(node);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    node.fields().forEachRemaining(field -> map.put(field.getKey(), value(field.getValue())));
    return Collections.unmodifiableMap(map);
  }

  private static List<Object> list(JsonNode array) {
    List<Object> values = new ArrayList<>(array.size());
    array.forEach(element -> values.add(value(element)));
    return Collections.unmodifiableList(values);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - STDERR_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  private static Path createWorkDirectory() {
    try {
      return Files.createTempDirectory("spark-verifier-");
    } catch (IOException e) {
      throw new SparkVerifierException("cannot create a temporary directory", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Only temporary files are left behind.
    }
  }
}
