package io.ddb2delta.tools;

import io.ddb2delta.cdc.TimePrecision;
import io.ddb2delta.pipelines.aws.LocalAws;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * {@code kinesis-bridge}: runs a {@link KinesisBridge} from a table's DynamoDB Stream into a
 * Kinesis stream, creating the Kinesis stream if it is missing, printing progress every 5 s and a
 * summary.
 *
 * <p>Credentials: an endpoint on the loopback interface gets the fixed local credentials of {@link
 * LocalAws} (nothing secret); any other endpoint, or none, uses the AWS default credentials chain.
 * Credentials are never printed.
 */
@Command(
    name = "kinesis-bridge",
    mixinStandardHelpOptions = true,
    description =
        "Copies a DynamoDB table's stream into a Kinesis stream in the Kinesis Data Streams for"
            + " DynamoDB format, as AWS would.")
public final class KinesisBridgeCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(names = "--table", required = true, description = "The DynamoDB table.")
  private String table;

  @Option(names = "--kinesisStream", required = true, description = "The Kinesis stream.")
  private String kinesisStream;

  @Option(
      names = "--shards",
      defaultValue = "2",
      description = "Shards when the Kinesis stream is created (default: ${DEFAULT-VALUE}).")
  private int shards;

  @Option(names = "--dynamodbEndpoint", description = "DynamoDB Streams endpoint (default: AWS).")
  private URI dynamodbEndpoint;

  @Option(names = "--kinesisEndpoint", description = "Kinesis endpoint (default: AWS).")
  private URI kinesisEndpoint;

  @Option(
      names = "--region",
      description = "AWS region (default: us-east-1 for local endpoints, else the AWS chain).")
  private String region;

  @Option(
      names = "--precision",
      defaultValue = "MILLISECOND",
      description = "MILLISECOND or MICROSECOND (default: ${DEFAULT-VALUE}).")
  private TimePrecision precision;

  @Option(
      names = "--duplicateRate",
      defaultValue = "0.0",
      description = "Probability that a record is put twice (default: ${DEFAULT-VALUE}).")
  private double duplicateRate;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(
      names = "--start",
      defaultValue = "TRIM_HORIZON",
      description = "TRIM_HORIZON or LATEST (default: ${DEFAULT-VALUE}).")
  private KinesisBridge.Start start;

  @Option(
      names = "--pollInterval",
      defaultValue = "PT0.2S",
      description = "First wait when idle; backs off to 5 times it (default: ${DEFAULT-VALUE}).")
  private Duration pollInterval;

  @Option(names = "--duration", description = "Stop after this long, e.g. PT10M.")
  private Duration duration;

  @Option(
      names = "--maxRecords",
      defaultValue = "0",
      description = "Stop after reading this many stream records; 0: no limit.")
  private long maxRecords;

  // Instances come only from commandLine(), so picocli has always injected the spec and options.
  private KinesisBridgeCommand() {}

  /** The command line with this command, accepting enum values in any case. */
  public static CommandLine commandLine() {
    return new CommandLine(new KinesisBridgeCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    boolean local = LocalAws.isLoopback(dynamodbEndpoint) && LocalAws.isLoopback(kinesisEndpoint);
    Region awsRegion =
        region != null
            ? Region.of(region)
            : local ? Region.of(LocalAws.REGION) : new DefaultAwsRegionProviderChain().getRegion();
    if (LocalAws.isLoopback(kinesisEndpoint)) {
      // kinesalite cannot read CBOR; JSON also works against AWS. Set before the client is built.
      System.setProperty("aws.cborEnabled", "false");
    }
    try (DynamoDbStreamsClient streams =
            DynamoDbStreamsClient.builder()
                .region(awsRegion)
                .credentialsProvider(LocalAws.credentialsFor(dynamodbEndpoint))
                .applyMutation(b -> endpoint(b, dynamodbEndpoint))
                .build();
        KinesisClient kinesis =
            KinesisClient.builder()
                .region(awsRegion)
                .credentialsProvider(LocalAws.credentialsFor(kinesisEndpoint))
                .applyMutation(b -> endpoint(b, kinesisEndpoint))
                .build()) {
      ensureStream(kinesis, out);
      KinesisBridge bridge =
          new KinesisBridge(
              new KinesisBridge.Config(
                  table,
                  streams,
                  kinesis,
                  kinesisStream,
                  awsRegion.id(),
                  precision,
                  duplicateRate,
                  seed,
                  pollInterval,
                  start,
                  duration,
                  maxRecords));
      out.printf(
          "kinesis-bridge: %s -> %s (%s, start %s)%n", table, kinesisStream, precision, start);
      out.flush();
      CountDownLatch done = new CountDownLatch(1);
      // Ctrl-C runs shutdown hooks only: stop the bridge there and let it put what it has read.
      Thread hook =
          new Thread(
              () -> {
                bridge.close();
                awaitQuietly(done);
              },
              "kinesis-bridge-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      ScheduledExecutorService progress =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "kinesis-bridge-progress");
                t.setDaemon(true);
                return t;
              });
      progress.scheduleAtFixedRate(
          () -> {
            out.println("progress: " + describe(bridge.stats()));
            out.flush();
          },
          5,
          5,
          TimeUnit.SECONDS);
      KinesisBridge.Stats stats;
      try {
        stats = bridge.run();
      } finally {
        progress.shutdownNow();
        done.countDown();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is already running; it only waits for the latch counted down above.
      }
      out.println("summary: " + describe(stats));
      out.flush();
      return 0;
    }
  }

  private void ensureStream(KinesisClient kinesis, PrintWriter out) throws InterruptedException {
    try {
      kinesis.describeStreamSummary(b -> b.streamName(kinesisStream));
    } catch (ResourceNotFoundException missing) {
      kinesis.createStream(b -> b.streamName(kinesisStream).shardCount(shards));
      out.printf("created Kinesis stream %s with %d shards%n", kinesisStream, shards);
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (kinesis
            .describeStreamSummary(b -> b.streamName(kinesisStream))
            .streamDescriptionSummary()
            .streamStatus()
        != StreamStatus.ACTIVE) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Kinesis stream " + kinesisStream + " is not ACTIVE");
      }
      Thread.sleep(100);
    }
  }

  static String describe(KinesisBridge.Stats s) {
    return String.format(
        "read %d, put %d (%d duplicates), skipped %d",
        s.read(), s.put(), s.duplicated(), s.skipped());
  }

  private static void endpoint(
      software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<?, ?> builder, URI endpoint) {
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
  }

  private static void awaitQuietly(CountDownLatch done) {
    try {
      done.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
