package io.ddb2delta.testing;

import io.ddb2delta.tools.JobCommand;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real job in a child JVM, so that a test can kill it the hard way ({@code kill -9}) and start
 * it again, as an operator or a crashing host would.
 */
public final class JobProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private JobProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code Ddb2Delta} with these arguments; output goes to {@code log}. */
  public static JobProcess start(List<String> args, Path log) throws IOException {
    return start("io.ddb2delta.pipelines.Ddb2Delta", List.of(), args, log);
  }

  /**
   * Starts {@code mainClass}, an entry point to the job, with these extra JVM options (for example
   * the {@code --add-opens} Spark needs) and arguments; output goes to {@code log}.
   */
  public static JobProcess start(
      String mainClass, List<String> jvmOptions, List<String> args, Path log) throws IOException {
    List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
    jvm.addAll(jvmOptions);
    for (String property :
        List.of(
            "ddb2delta.dynamodbLocal.classpath", "ddb2delta.kinesalite.dir", "aws.cborEnabled")) {
      String value = System.getProperty(property);
      if (value != null) {
        jvm.add("-D" + property + "=" + value);
      }
    }
    List<String> command = JobCommand.of(mainClass, jvm, args);
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new JobProcess(p, log);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no flush, no final commit. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Waits for the job to end by itself; returns its exit code. */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the job did not end within " + seconds + " s; see " + log);
    }
    return process.exitValue();
  }

  public File log() {
    return log.toFile();
  }

  /** The job's output so far, for assertion messages. */
  public String output() {
    try {
      return java.nio.file.Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
