package io.ddb2delta.verify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddb2delta.verify.SparkSqlVerifier.StatementFailedException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Stands in for the Databricks driver of a JAR task: the session exists before the job starts, the
 * job's main class is found on the same classpath (library jars are appended to the runtime's, as
 * Databricks does), and the job is called through its {@code main}, in this JVM.
 *
 * <p>Usage: {@code DatabricksDriver --main CLASS --queries FILE --out FILE [--runs N] -- JOB
 * ARGS...}. It creates a local Spark session with Delta's SQL extension and catalog, then {@code N}
 * times (default 1): calls {@code CLASS.main(JOB ARGS)}, with {@code {run}} in an argument replaced
 * by the run's number; records whether the Spark context survived the call and is still the
 * session's own; and runs the statements of the queries file (a JSON array of SQL strings) over
 * what the job wrote. The output file is written only when every run and every statement succeeded:
 * {@code {"runs": [{"run", "seconds", "contextStopped", "sameContext", "results"}]}}, each {@code
 * results} as {@link SparkSqlVerifier} writes them. Otherwise it exits with status 1 after printing
 * the exception on stderr (a stopped context counts as a failure: the cluster would be unusable),
 * or 2 for bad arguments. A job that calls {@code System.exit} ends the JVM with its status and no
 * output, and a line on stderr says so.
 */
public final class DatabricksDriver {

  private DatabricksDriver() {}

  /**
   * Exits explicitly, because Spark can leave non-daemon threads behind after the session stops.
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the driver in this JVM and returns the exit status {@link #main} would use. */
  static int run(String... args) {
    Arguments arguments;
    List<String> statements;
    Method jobMain;
    try {
      arguments = Arguments.parse(args);
      statements = SparkSqlVerifier.readStatements(arguments.queries());
      jobMain = mainMethod(arguments.mainClass());
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("DatabricksDriver: " + e.getMessage());
      System.err.println(
          "usage: DatabricksDriver --main CLASS --queries FILE --out FILE [--runs N] -- JOB ARGS");
      return SparkSqlVerifier.USAGE;
    }

    AtomicBoolean finished = new AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (!finished.get()) {
                    System.err.println(
                        "DatabricksDriver: the JVM is exiting before the driver finished;"
                            + " did the job call System.exit?");
                  }
                }));
    Path warehouse = SparkSqlVerifier.createTempDirectory();
    SparkSession spark =
        SparkSqlVerifier.session("local[2]", warehouse)
            .appName("ddb2delta-databricks")
            .getOrCreate();
    try {
      ObjectNode out = SparkSqlVerifier.json().createObjectNode();
      ArrayNode runs = out.putArray("runs");
      for (int run = 1; run <= arguments.runs(); run++) {
        long start = System.nanoTime();
        jobMain.invoke(null, (Object) arguments.jobArgs(run));
        double seconds = (System.nanoTime() - start) / 1e9;
        SparkContext context = spark.sparkContext();
        ObjectNode record = runs.addObject();
        record.put("run", run);
        record.put("seconds", seconds);
        record.put("contextStopped", context.isStopped());
        if (context.isStopped()) {
          throw new IllegalStateException("run " + run + ": the job stopped the Spark context");
        }
        // What the next job on this cluster would get.
        record.put("sameContext", SparkContext.getOrCreate() == context);
        record.set("results", SparkSqlVerifier.query(spark, statements));
      }
      SparkSqlVerifier.json().writeValue(arguments.out().toFile(), out);
      return SparkSqlVerifier.OK;
    } catch (InvocationTargetException e) {
      e.getCause().printStackTrace(System.err);
      System.err.println("DatabricksDriver: the job failed: " + e.getCause());
      return SparkSqlVerifier.QUERY_FAILED;
    } catch (StatementFailedException e) {
      SparkSqlVerifier.report(e);
      return SparkSqlVerifier.QUERY_FAILED;
    } catch (Exception e) { // Scala code throws checked exceptions that javac does not see.
      e.printStackTrace(System.err);
      System.err.println("DatabricksDriver: " + e);
      return SparkSqlVerifier.QUERY_FAILED;
    } finally {
      finished.set(true);
      spark.stop();
      SparkSqlVerifier.deleteRecursively(warehouse);
    }
  }

  /** The job's {@code public static void main(String[])}, as Databricks looks it up. */
  private static Method mainMethod(String className) {
    try {
      Method main =
          Class.forName(className, false, Thread.currentThread().getContextClassLoader())
              .getMethod("main", String[].class);
      if (!Modifier.isStatic(main.getModifiers())) {
        throw new IllegalArgumentException(className + ".main is not static");
      }
      return main;
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "no class " + className + " on the classpath; is the job's jar appended to it?");
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(className + " has no main(String[])");
    }
  }

  /** The options before {@code --}, and the job's arguments after it. */
  record Arguments(String mainClass, Path queries, Path out, int runs, List<String> jobArgs) {

    Arguments {
      jobArgs = List.copyOf(jobArgs);
    }

    /** The job's arguments for one run, {@code {run}} replaced by its number. */
    String[] jobArgs(int run) {
      return jobArgs.stream()
          .map(a -> a.replace("{run}", Integer.toString(run)))
          .toArray(String[]::new);
    }

    static Arguments parse(String... args) {
      String mainClass = null;
      Path queries = null;
      Path out = null;
      int runs = 1;
      int i = 0;
      for (; i < args.length && !args[i].equals("--"); i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value for " + name);
        }
        String value = args[++i];
        switch (name) {
          case "--main" -> mainClass = value;
          case "--queries" -> queries = Path.of(value);
          case "--out" -> out = Path.of(value);
          case "--runs" -> runs = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      if (mainClass == null || queries == null || out == null) {
        throw new IllegalArgumentException("--main, --queries and --out are required");
      }
      if (runs < 1) {
        throw new IllegalArgumentException("--runs must be at least 1");
      }
      List<String> jobArgs =
          i < args.length ? Arrays.asList(args).subList(i + 1, args.length) : List.of();
      return new Arguments(mainClass, queries, out, runs, jobArgs);
    }
  }
}
