package io.ddb2delta.tools;

import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.pipelines.aws.LocalAws;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * {@code load-generator}: writes realistic INSERT/MODIFY/REMOVE traffic into DynamoDB at a given
 * rate (see {@link LoadGenerator}) and logs every change for latency measurements.
 *
 * <p>Without {@code --endpoint} it starts an embedded DynamoDB Local for the run (its tables vanish
 * when the run ends). Credentials come from the AWS default chain, except for an endpoint on a
 * loopback address, which gets the fixed local credentials; credentials are never printed.
 */
@Command(
    name = "load-generator",
    mixinStandardHelpOptions = true,
    description = "Writes realistic change traffic into DynamoDB at a fixed rate.")
public final class LoadGeneratorCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--endpoint",
      description = "DynamoDB endpoint (default: start an embedded DynamoDB Local).")
  private URI endpoint;

  @Option(names = "--region", description = "AWS region (default: the AWS default chain's).")
  private String region;

  @Option(
      names = "--tables",
      split = ",",
      defaultValue = "orders,users,products,transactions",
      description = "Tables to write (default: ${DEFAULT-VALUE}).")
  private List<SyntheticTable> tables;

  @Option(
      names = "--rate",
      defaultValue = "200",
      description = "Changes per second (default: ${DEFAULT-VALUE}).")
  private double rate;

  @Option(
      names = "--mix",
      defaultValue = "60,30,10",
      description = "Insert,modify,remove percentages (default: ${DEFAULT-VALUE}).")
  private String mix;

  @Option(
      names = "--max-changes",
      defaultValue = "0",
      description = "Stop after this many changes.")
  private long maxChanges;

  @Option(
      names = "--duration",
      defaultValue = "PT30S",
      description = "Stop after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
  private Duration duration;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(names = "--log", description = "Append one JSON line per change to this file.")
  private Path logFile;

  @Option(
      names = "--progress-every",
      defaultValue = "PT5S",
      description = "Progress line interval (default: ${DEFAULT-VALUE}).")
  private Duration progressEvery;

  // Instances come only from commandLine(), so picocli has always injected the spec and options.
  private LoadGeneratorCommand() {}

  /** The command line with this command, accepting table names in any case ({@code orders}). */
  public static CommandLine commandLine() {
    return new CommandLine(new LoadGeneratorCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Runs the load, printing progress lines and a final summary; returns 0. */
  @Override
  public Integer call() throws Exception {
    LoadGenerator.Config config;
    try {
      config =
          new LoadGenerator.Config(
              tables, rate, LoadGenerator.Mix.parse(mix), seed, maxChanges, duration);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    LocalDynamoDb embedded = null;
    try {
      URI target = endpoint;
      if (target == null) {
        embedded = LocalDynamoDb.start();
        target = embedded.endpoint();
        out.println("started embedded DynamoDB Local at " + target);
      }
      try (DynamoDbClient client = client(target, endpoint == null);
          LoadLog log = logFile == null ? LoadLog.inMemory() : LoadLog.appendingTo(logFile)) {
        LoadGenerator.Summary summary =
            new LoadGenerator(client, config, log)
                .run(
                    progress -> {
                      out.println("progress: " + progress.format());
                      out.flush();
                    },
                    progressEvery);
        out.println("done: " + summary.format());
        out.flush();
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
    return 0;
  }

  private DynamoDbClient client(URI target, boolean embedded) {
    DynamoDbClientBuilder builder = DynamoDbClient.builder().endpointOverride(target);
    boolean local = embedded || LocalAws.isLoopback(target);
    if (region != null) {
      builder.region(Region.of(region));
    } else if (local) {
      builder.region(Region.of(LocalAws.REGION));
    }
    AwsCredentialsProvider credentials =
        local ? LocalAws.credentials() : DefaultCredentialsProvider.builder().build();
    return builder.credentialsProvider(credentials).build();
  }
}
