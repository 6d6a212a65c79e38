package io.ddb2delta.local;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code local-stack}: starts DynamoDB Local, kinesalite and s3proxy on 127.0.0.1, prints their
 * endpoints and Beam flags, and runs until Ctrl-C or for {@code --duration}; then stops them.
 */
@Command(
    name = "local-stack",
    mixinStandardHelpOptions = true,
    description =
        "Runs DynamoDB Local (with Streams), a Kinesis endpoint (kinesalite) and an S3 endpoint"
            + " (s3proxy) on 127.0.0.1 until Ctrl-C, all in memory.")
public final class LocalStackCommand implements Callable<Integer> {

  @Option(
      names = "--dynamodb",
      negatable = true,
      defaultValue = "true",
      description = "Start DynamoDB Local (default: ${DEFAULT-VALUE}).")
  private boolean dynamoDb;

  @Option(
      names = "--dynamodb-port",
      defaultValue = "8000",
      description = "Its port, 0 for a free one (default: ${DEFAULT-VALUE}).")
  private int dynamoDbPort;

  @Option(
      names = "--kinesis",
      negatable = true,
      defaultValue = "true",
      description = "Start kinesalite (default: ${DEFAULT-VALUE}).")
  private boolean kinesis;

  @Option(
      names = "--kinesis-port",
      defaultValue = "4567",
      description = "Its port, 0 for a free one (default: ${DEFAULT-VALUE}).")
  private int kinesisPort;

  @Option(
      names = "--s3",
      negatable = true,
      defaultValue = "true",
      description = "Start s3proxy (default: ${DEFAULT-VALUE}).")
  private boolean s3;

  @Option(
      names = "--s3-port",
      defaultValue = "9090",
      description = "Its port, 0 for a free one (default: ${DEFAULT-VALUE}).")
  private int s3Port;

  @Option(
      names = "--duration",
      description = "Stop after this long, e.g. PT10M (default: until Ctrl-C).")
  private Duration duration;

  @Override
  public Integer call() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    LocalStack stack =
        LocalStack.start(
            new LocalStack.Config(dynamoDb, dynamoDbPort, kinesis, kinesisPort, s3, s3Port));
    // Ctrl-C runs shutdown hooks only: stop the services there, and let call() return after.
    Thread hook =
        new Thread(
            () -> {
              closeQuietly(stack);
              stopped.countDown();
            },
            "local-stack-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.print(stack.describe());
    System.out.println(
        duration == null ? "Running; Ctrl-C stops." : "Running for " + duration + ".");
    System.out.flush();
    boolean hookRan =
        duration == null
            ? awaitForever(stopped)
            : stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    if (!hookRan) {
      Runtime.getRuntime().removeShutdownHook(hook);
      stack.close();
    }
    return 0;
  }

  private static boolean awaitForever(CountDownLatch stopped) throws InterruptedException {
    stopped.await();
    return true;
  }

  private static void closeQuietly(LocalStack stack) {
    try {
      stack.close();
    } catch (Exception e) {
      System.err.println("local-stack: stopping failed: " + e);
    }
  }

  public static CommandLine commandLine() {
    return new CommandLine(new LocalStackCommand());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
