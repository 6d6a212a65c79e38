package io.ddb2delta.tools;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The batch benchmark harness: generates a synthetic export (once per size and format), then loads
 * it with the real job in a fresh JVM per run, and prints records/s, the job process's CPU seconds
 * (user+sys), records per CPU-second and peak RSS, as reported by the job process itself.
 *
 * <p>It is a harness, not a test: it asserts nothing and prints figures for a person to compare.
 */
@Command(
    name = "benchmark-export",
    mixinStandardHelpOptions = true,
    description = "Measures the export load: records/s, records per CPU-second, peak RSS.")
public final class BenchmarkExport implements Callable<Integer> {

  @Option(names = "--items", description = "Items in the generated export (default 1000000).")
  long items = 1_000_000;

  @Option(names = "--format", description = "DYNAMODB_JSON or ION (default DYNAMODB_JSON).")
  String format = "DYNAMODB_JSON";

  @Option(names = "--files", description = "Data files in the export (default 8).")
  int files = 8;

  @Option(names = "--runs", description = "Runs of the job (default 1).")
  int runs = 1;

  @Option(names = "--work-dir", description = "Where exports and tables go (default target/bench).")
  Path workDir = Path.of("target", "bench");

  @Option(
      names = "--jvm-opt",
      description =
          "A JVM option for the job process; repeatable (default -Xmx1g -XX:+UseParallelGC: a"
              + " small heap faults in fewer fresh pages, and memory does not grow with the export).")
  List<String> jvmOpts = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));

  @Option(
      names = "--job-arg",
      description = "An extra job argument, e.g. --runner=SparkRunner; repeatable.")
  List<String> jobArgs = new ArrayList<>();

  @Option(
      names = "--job-main",
      description =
          "The job's entry point (default io.ddb2delta.pipelines.Ddb2Delta);"
              + " io.ddb2delta.spark.SparkJob runs it on the Spark runner, from runners/spark.")
  String jobMain = JobCommand.DEFAULT_MAIN;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchmarkExport()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path exportRoot = workDir.resolve("export-" + items + "-" + format.toLowerCase(Locale.ROOT));
    String exportFolder = ensureExport(exportRoot);
    System.out.printf(Locale.ROOT, "export: %s (%,d items, %s)%n", exportFolder, items, format);
    for (int run = 1; run <= runs; run++) {
      Path tables = workDir.resolve("lakehouse-run-" + run);
      deleteRecursively(tables);
      Path summary = workDir.resolve("summary-run-" + run + ".json");
      Files.deleteIfExists(summary);
      List<String> command = new ArrayList<>();
      command.add("--exportPath=" + exportFolder);
      command.add("--deltaRoot=" + tables.toAbsolutePath());
      command.add("--progressIntervalSeconds=0");
      command.add("--summaryFile=" + summary.toAbsolutePath());
      command.addAll(jobArgs);
      int exit = JobCommand.runToEnd(JobCommand.of(jobMain, jvmOpts, command));
      if (exit != 0) {
        System.err.println("run " + run + " failed with exit code " + exit);
        return exit;
      }
      String json = Files.readString(summary);
      double wall = number(json, "wallSeconds");
      double cpu = number(json, "cpuSeconds");
      double rss = number(json, "peakRssBytes");
      long records = (long) number(json, "recordsRead");
      System.out.printf(
          Locale.ROOT,
          "RESULT run=%d items=%d format=%s records/s=%.0f cpu_s=%.1f records_per_cpu_s=%.0f"
              + " peak_rss_mib=%.0f wall_s=%.1f jvm=%s%n",
          run,
          records,
          format,
          records / wall,
          cpu,
          records / cpu,
          rss / (1 << 20),
          wall,
          String.join(" ", jvmOpts));
    }
    return 0;
  }

  private String ensureExport(Path root) throws Exception {
    Path done = root.resolve(".complete");
    if (!Files.exists(done)) {
      deleteRecursively(root);
      int exit =
          GenerateExport.commandLine()
              .execute(
                  "--table=orders",
                  "--items=" + items,
                  "--format=" + format,
                  "--files=" + files,
                  "--seed=7",
                  "--output=" + root);
      if (exit != 0) {
        throw new IllegalStateException("generate-export failed with exit code " + exit);
      }
      Files.writeString(done, "");
    }
    try (var ids = Files.list(root.resolve("AWSDynamoDB"))) {
      return ids.filter(Files::isDirectory).findFirst().orElseThrow() + File.separator;
    }
  }

  private static double number(String json, String field) throws IOException {
    com.fasterxml.jackson.databind.JsonNode value =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get(field);
    if (value == null || !value.isNumber()) {
      throw new IllegalStateException("no number " + field + " in " + json);
    }
    return value.asDouble();
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
