package io.ddb2delta.tools;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs the ddb2delta job in a fresh JVM with this JVM's Java and classpath,
 * for harnesses that measure the job process alone or kill it.
 */
public final class JobCommand {
  public static final String DEFAULT_MAIN = "io.ddb2delta.pipelines.Ddb2Delta";

  /**
   * What Spark needs to run on Java 17 (the root pom's {@code add.opens}); harmless for the
   * DirectRunner, so every child job gets them.
   */
  public static final List<String> ADD_OPENS =
      java.util.stream.Stream.of(
              "java.lang",
              "java.lang.invoke",
              "java.lang.reflect",
              "java.io",
              "java.net",
              "java.nio",
              "java.util",
              "java.util.concurrent",
              "java.util.concurrent.atomic",
              "sun.nio.ch",
              "sun.nio.cs",
              "sun.security.action",
              "sun.util.calendar")
          .map(pkg -> "--add-opens=java.base/" + pkg + "=ALL-UNNAMED")
          .toList();

  private JobCommand() {}

  /** {@code java <jvmOptions> -cp <classpath> Ddb2Delta <jobArgs>}. */
  public static List<String> of(List<String> jvmOptions, List<String> jobArgs) {
    return of(DEFAULT_MAIN, jvmOptions, jobArgs);
  }

  /**
   * {@code java <jvmOptions> -cp <classpath> <mainClass> <jobArgs>}: another entry point to the
   * same job, e.g. the Spark runner's.
   */
  public static List<String> of(String mainClass, List<String> jvmOptions, List<String> jobArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ADD_OPENS);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath());
    command.add(mainClass);
    command.addAll(jobArgs);
    return command;
  }

  /**
   * Runs the command with this JVM's output and waits for it; the job dies with this JVM, so a
   * harness stopped by Ctrl-C or SIGTERM leaves no job running behind it.
   */
  public static int runToEnd(List<String> command) throws IOException, InterruptedException {
    Process job = new ProcessBuilder(command).inheritIO().start();
    Thread reaper = new Thread(job::destroyForcibly, "ddb2delta-job-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    try {
      return job.waitFor();
    } finally {
      job.destroyForcibly();
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException e) {
        // already shutting down: the hook ends the job
      }
    }
  }

  /**
   * The job's classpath. Under {@code mvn exec:java} the project's classes are only in the context
   * class loader, not in {@code java.class.path} (which is Maven's own).
   */
  static String classpath() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
      List<String> entries = new ArrayList<>();
      for (URL url : urls.getURLs()) {
        try {
          entries.add(Path.of(url.toURI()).toString());
        } catch (URISyntaxException e) {
          throw new IllegalStateException(e);
        }
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }
}
