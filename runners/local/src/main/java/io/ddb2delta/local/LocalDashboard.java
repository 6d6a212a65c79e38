package io.ddb2delta.local;

import io.ddb2delta.tools.JobCommand;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local dashboard ({@code runners/dashboard}'s {@code DashboardCommand}) in a JVM of its own:
 * Spark SQL and its web server never share the pipeline's classpath. It is started with the
 * classpath that module's build writes, and stopped with {@link #close}.
 */
public final class LocalDashboard implements AutoCloseable {
  /** Where the dashboard module's classpath file is, when not found from the working directory. */
  public static final String CLASSPATH_PROPERTY = "ddb2delta.dashboard.classpath";

  private static final String MAIN = "io.ddb2delta.dashboards.DashboardCommand";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private final Process process;
  private final String url;

  private LocalDashboard(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /**
   * Starts the dashboard over {@code deltaRoot} and waits for its URL; its output goes on to this
   * process's, prefixed.
   *
   * @param args more DashboardCommand options, e.g. {@code --port=0}, {@code --webhook=...}
   */
  public static LocalDashboard start(Path deltaRoot, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JobCommand.ADD_OPENS);
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(classpath());
    command.add(MAIN);
    command.add("--deltaRoot=" + deltaRoot.toAbsolutePath());
    command.addAll(args);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the dashboard", e);
    }
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  if (line.startsWith("dashboards at ")) {
                    url.complete(line.substring("dashboards at ".length()).split("/\\?|/$")[0]);
                  }
                  System.out.println("dashboard: " + line);
                }
              } catch (IOException e) {
                // the process ended
              }
              url.completeExceptionally(
                  new IllegalStateException("the dashboard ended before it served"));
            },
            "ddb2delta-dashboard-output");
    pump.setDaemon(true);
    pump.start();
    try {
      return new LocalDashboard(
          process, url.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS).replaceAll("/$", ""));
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      throw new IllegalStateException("the dashboard did not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    return url;
  }

  static String classpath() {
    String configured = System.getProperty(CLASSPATH_PROPERTY);
    List<Path> candidates = new ArrayList<>();
    if (configured != null) {
      candidates.add(Path.of(configured));
    } else {
      Path cwd = Path.of("").toAbsolutePath();
      for (Path p = cwd; p != null; p = p.getParent()) {
        candidates.add(p.resolve("runners/dashboard/target/dashboard-classpath.txt"));
        candidates.add(p.resolve("dashboard/target/dashboard-classpath.txt"));
      }
    }
    Path file =
        candidates.stream()
            .filter(Files::isRegularFile)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the dashboard's classpath is not built: run `mvn -pl runners/dashboard"
                            + " -am compile`, or set -D"
                            + CLASSPATH_PROPERTY));
    Path target = file.getParent();
    try {
      String deps = Files.readString(file, StandardCharsets.UTF_8).strip();
      String own = target.resolve("classes").toString();
      return own + File.pathSeparator + deps;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
