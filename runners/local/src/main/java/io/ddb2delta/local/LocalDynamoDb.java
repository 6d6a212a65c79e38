package io.ddb2delta.local;

import io.ddb2delta.pipelines.aws.LocalAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local (with Streams) in this JVM, in memory, bound to 127.0.0.1 on a free or given port,
 * with telemetry off.
 *
 * <p>DynamoDB Local runs on Jetty 12 and s3proxy on Jetty 11, so they cannot share a classpath:
 * DynamoDB Local is loaded in its own class loader from the classpath that the module {@code
 * runners/dynamodb-local} writes. That file is found through the system property {@value
 * #CLASSPATH_PROPERTY} (the build sets it for tests), else under {@code
 * runners/dynamodb-local/target/} from the working directory, its parent or grandparent. All
 * instances in a JVM share that class loader, because sqlite4java's native library can be loaded by
 * only one.
 *
 * <p>{@link #dynamoDb()} and {@link #streams()} are owned by this object; {@link #close()} closes
 * them and stops the server, dropping every table.
 */
public final class LocalDynamoDb implements AutoCloseable {

  public static final String CLASSPATH_PROPERTY = "ddb2delta.dynamodbLocal.classpath";

  private static final String CLASSPATH_FILE =
      "runners/dynamodb-local/target/dynamodb-local-classpath.txt";
  private static URLClassLoader sharedLoader;

  private final Object server;
  private final URI endpoint;
  private final DynamoDbClient dynamoDb;
  private final DynamoDbStreamsClient streams;

  private LocalDynamoDb(Object server, int port) {
    this.server = server;
    this.endpoint = LocalAws.loopback(port);
    this.dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(LocalAws.region())
            .credentialsProvider(LocalAws.credentials())
            .build();
    this.streams =
        DynamoDbStreamsClient.builder()
            .endpointOverride(endpoint)
            .region(LocalAws.region())
            .credentialsProvider(LocalAws.credentials())
            .build();
  }

  /** Starts on a free port; returns once the server accepts connections. */
  public static LocalDynamoDb start() {
    return start(0);
  }

  /** Starts on {@code port} (0: a free one); returns once the server accepts connections. */
  public static LocalDynamoDb start(int port) {
    ClassLoader loader = loader();
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    // Jetty and log4j look classes up through the context class loader.
    thread.setContextClassLoader(loader);
    try {
      // Its command line rejects port 0, so a placeholder port goes there and the connector gets
      // port 0 below: the kernel picks a free port at bind time, without a probe-then-bind race.
      String cliPort = Integer.toString(port == 0 ? 8000 : port);
      Object server =
          loader
              .loadClass("software.amazon.dynamodb.services.local.main.ServerRunner")
              .getMethod("createServerFromCommandLineArgs", String[].class)
              .invoke(
                  null, (Object) new String[] {"-inMemory", "-port", cliPort, "-disableTelemetry"});
      Object jetty = jettyServer(server);
      Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
      for (Object connector : connectors) {
        connector.getClass().getMethod("setHost", String.class).invoke(connector, "127.0.0.1");
        if (port == 0) {
          connector.getClass().getMethod("setPort", int.class).invoke(connector, 0);
        }
      }
      server.getClass().getMethod("start").invoke(server);
      int bound = (int) connectors[0].getClass().getMethod("getLocalPort").invoke(connectors[0]);
      return new LocalDynamoDb(server, bound);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("DynamoDB Local did not start", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("DynamoDB Local 3.3 API not found", e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /**
   * The Jetty server inside DynamoDB Local's {@code DynamoDBProxyServer}. It binds every interface
   * and offers no option for the host, and the Jetty server is held only in the private field
   * {@code server}: reading that field is the one way to set the host on its connector before
   * start.
   */
  private static Object jettyServer(Object proxyServer) throws ReflectiveOperationException {
    Field field = proxyServer.getClass().getDeclaredField("server");
    field.setAccessible(true);
    return field.get(proxyServer);
  }

  private static synchronized ClassLoader loader() {
    if (sharedLoader == null) {
      List<URL> urls = new ArrayList<>();
      for (Path jar : classpath()) {
        try {
          urls.add(jar.toUri().toURL());
        } catch (MalformedURLException e) {
          throw new IllegalStateException("bad classpath entry " + jar, e);
        }
      }
      // The platform loader as parent keeps the pipeline's own Jetty, AWS SDK and logging out.
      sharedLoader =
          new URLClassLoader(
              "dynamodb-local", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }
    return sharedLoader;
  }

  private static List<Path> classpath() {
    String configured = System.getProperty(CLASSPATH_PROPERTY);
    Path cwd = Path.of("").toAbsolutePath();
    List<Path> candidates =
        configured != null
            ? List.of(Path.of(configured))
            : Stream.of(
                    cwd,
                    cwd.getParent(),
                    cwd.getParent() == null ? null : cwd.getParent().getParent())
                .filter(p -> p != null)
                .map(p -> p.resolve(CLASSPATH_FILE))
                .toList();
    Path file =
        candidates.stream()
            .filter(Files::isRegularFile)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "DynamoDB Local classpath not found at "
                            + candidates
                            + ": build it with `mvn -pl runners/dynamodb-local generate-resources`"
                            + " or set -D"
                            + CLASSPATH_PROPERTY));
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      return Stream.of(text.split(java.io.File.pathSeparator))
          .filter(s -> !s.isBlank())
          .map(Path::of)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** {@code http://127.0.0.1:<bound port>}. */
  public URI endpoint() {
    return endpoint;
  }

  /** A DynamoDB client for this endpoint, owned by this object: do not close it. */
  public DynamoDbClient dynamoDb() {
    return dynamoDb;
  }

  /** A DynamoDB Streams client for this endpoint, owned by this object: do not close it. */
  public DynamoDbStreamsClient streams() {
    return streams;
  }

  /** {@code --awsRegion}, {@code --endpoint} and credentials for Beam's DynamoDBIO. */
  public List<String> pipelineArgs() {
    return LocalAws.beamArgs(endpoint);
  }

  @Override
  public void close() throws Exception {
    try {
      dynamoDb.close();
      streams.close();
    } finally {
      try {
        server.getClass().getMethod("stop").invoke(server);
      } catch (InvocationTargetException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }
}
