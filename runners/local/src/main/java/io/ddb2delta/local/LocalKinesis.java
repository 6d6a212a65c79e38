package io.ddb2delta.local;

import io.ddb2delta.pipelines.aws.LocalAws;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * A Kinesis endpoint: kinesalite in a Node child process, in memory, bound to 127.0.0.1 on a free
 * or given port, with a shard limit of 1000 and 50 ms stream creation.
 *
 * <p>The build installs kinesalite with {@code npm ci} into {@code runners/local/src/main/node};
 * that folder (with {@code kinesalite-loopback.js}) is found through the system property {@value
 * #DIR_PROPERTY} (the build sets it for tests), else as {@code runners/local/src/main/node} or
 * {@code src/main/node} under the working directory. {@value #NODE_PROPERTY} names the Node binary
 * (default {@code node} on the PATH).
 *
 * <p>kinesalite cannot parse CBOR, which the AWS SDK uses for Kinesis by default. {@link #start}
 * therefore sets the system property {@code aws.cborEnabled=false} for this whole JVM, before it
 * builds {@link #kinesis()}: the SDK reads it when a client is built, and Beam's KinesisIO builds
 * its own clients. Other JVMs that reach this endpoint (a Spark executor) need {@code
 * -Daws.cborEnabled=false} too; without it Beam's read hangs. JSON also works against AWS.
 *
 * <p>The Node process exits when {@link #close()} kills it, and also when this JVM dies, because it
 * exits when its standard input closes.
 */
public final class LocalKinesis implements AutoCloseable {

  public static final String DIR_PROPERTY = "ddb2delta.kinesalite.dir";
  public static final String NODE_PROPERTY = "ddb2delta.node";
  public static final String SCRIPT = "kinesalite-loopback.js";

  private static final Pattern PORT = Pattern.compile("\\{\"port\":(\\d+)}");
  private static final long START_TIMEOUT_SECONDS = 30;

  private final Process process;
  private final URI endpoint;
  private final KinesisClient kinesis;

  private LocalKinesis(Process process, int port) {
    this.process = process;
    this.endpoint = LocalAws.loopback(port);
    this.kinesis =
        KinesisClient.builder()
            .endpointOverride(endpoint)
            .region(LocalAws.region())
            .credentialsProvider(LocalAws.credentials())
            .build();
  }

  /** Starts on a free port; returns once kinesalite listens. */
  public static LocalKinesis start() {
    return start(0);
  }

  /** Starts on {@code port} (0: a free one); returns once kinesalite listens. */
  public static LocalKinesis start(int port) {
    System.setProperty("aws.cborEnabled", "false");
    Path dir = nodeDir();
    ProcessBuilder builder =
        new ProcessBuilder(
                System.getProperty(NODE_PROPERTY, "node"), SCRIPT, Integer.toString(port))
            .directory(dir.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run Node for kinesalite (is Node installed?)", e);
    }
    try {
      int bound = awaitPort(process);
      return new LocalKinesis(process, bound);
    } catch (RuntimeException e) {
      destroy(process);
      throw e;
    }
  }

  /** Reads the script's one line, {"port":N}, printed once the server listens. */
  private static int awaitPort(Process process) {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.readLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    String first;
    try {
      first = line.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "kinesalite did not listen within " + START_TIMEOUT_SECONDS + " s", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read kinesalite's output", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting kinesalite", e);
    }
    Matcher matcher = PORT.matcher(first == null ? "" : first.strip());
    if (!matcher.matches()) {
      throw new IllegalStateException(
          "kinesalite exited or printed " + first + " instead of its port (see its stderr above)");
    }
    return Integer.parseInt(matcher.group(1));
  }

  private static Path nodeDir() {
    String configured = System.getProperty(DIR_PROPERTY);
    Path cwd = Path.of("").toAbsolutePath();
    List<Path> candidates =
        configured != null
            ? List.of(Path.of(configured))
            : Stream.of("runners/local/src/main/node", "src/main/node", "../local/src/main/node")
                .map(cwd::resolve)
                .toList();
    return candidates.stream()
        .filter(d -> Files.isRegularFile(d.resolve(SCRIPT)))
        .filter(d -> Files.isRegularFile(d.resolve("node_modules/kinesalite/package.json")))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "kinesalite not installed in any of "
                        + candidates
                        + ": run `mvn -pl runners/local generate-resources` (it runs npm ci there)"
                        + " or set -D"
                        + DIR_PROPERTY));
  }

  /** {@code http://127.0.0.1:<bound port>}. */
  public URI endpoint() {
    return endpoint;
  }

  /** A Kinesis client for this endpoint (JSON, not CBOR), owned by this object: do not close it. */
  public KinesisClient kinesis() {
    return kinesis;
  }

  /**
   * {@code --awsRegion}, {@code --endpoint} and credentials for Beam's KinesisIO; the JVM running
   * it also needs {@code -Daws.cborEnabled=false}.
   */
  public List<String> pipelineArgs() {
    return LocalAws.beamArgs(endpoint);
  }

  @Override
  public void close() {
    kinesis.close();
    destroy(process);
  }

  private static void destroy(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
