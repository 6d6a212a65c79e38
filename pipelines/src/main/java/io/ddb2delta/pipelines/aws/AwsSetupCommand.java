package io.ddb2delta.pipelines.aws;

import io.ddb2delta.mapping.TableMapping;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ApproximateCreationDateTimePrecision;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code aws-setup}: the AWS side of ddb2delta as code, idempotent (see {@link AwsSetup}).
 * Credentials come only from the AWS default chain, or the local stack's dummy ones for loopback
 * endpoints; they are never printed.
 */
@Command(
    name = "aws-setup",
    mixinStandardHelpOptions = true,
    description =
        "Enables DynamoDB Streams, creates Kinesis streams, enables the Kinesis streaming"
            + " destination and runs an Export to S3, for the mapped tables. Safe to run again.")
public final class AwsSetupCommand implements Callable<Integer> {
  /** The seed's shard counts. */
  static final Map<String, Integer> DEFAULT_SHARDS =
      Map.of("users", 2, "orders", 4, "products", 1, "transactions", 6);

  @Option(names = "--tables", split = ",", description = "Tables (default: the shipped mappings).")
  List<String> tables = new ArrayList<>(TableMapping.SHIPPED);

  @Option(
      names = "--shards",
      split = ",",
      description =
          "Shard counts, e.g. orders=4,users=2 (default: users 2, orders 4, products 1,"
              + " transactions 6, others 1).")
  Map<String, Integer> shards = new LinkedHashMap<>();

  @Option(names = "--no-streams", negatable = true, description = "Enable DynamoDB Streams.")
  boolean streams = true;

  @Option(
      names = "--kinesis-prefix",
      description = "Kinesis stream name prefix (default ddb2delta-).")
  String kinesisPrefix = "ddb2delta-";

  @Option(names = "--no-kinesis", negatable = true, description = "Create Kinesis streams.")
  boolean kinesis = true;

  @Option(
      names = "--no-kinesis-destination",
      negatable = true,
      description = "Enable each table's Kinesis streaming destination.")
  boolean destination = true;

  @Option(names = "--precision", description = "MILLISECOND (default) or MICROSECOND.")
  ApproximateCreationDateTimePrecision precision = ApproximateCreationDateTimePrecision.MILLISECOND;

  @Option(names = "--export", description = "NONE (default), FULL_EXPORT or INCREMENTAL_EXPORT.")
  String export = "NONE";

  @Option(names = "--export-format", description = "DYNAMODB_JSON (default) or ION.")
  ExportFormat exportFormat = ExportFormat.DYNAMODB_JSON;

  @Option(names = "--s3-bucket", description = "Export bucket.")
  String s3Bucket;

  @Option(names = "--s3-prefix", description = "Export prefix (default ddb2delta/exports).")
  String s3Prefix = "ddb2delta/exports";

  @Option(names = "--export-from", description = "Incremental export start, ISO-8601.")
  Instant exportFrom;

  @Option(names = "--export-to", description = "Incremental export end, ISO-8601.")
  Instant exportTo;

  @Option(names = "--wait", description = "How long to wait for an export (default PT2H).")
  Duration wait = Duration.ofHours(2);

  @Option(names = "--region", description = "AWS region (default us-east-1).")
  String region = LocalAws.REGION;

  @Option(names = "--dynamodbEndpoint", description = "DynamoDB endpoint override.")
  URI dynamodbEndpoint;

  @Option(names = "--kinesisEndpoint", description = "Kinesis endpoint override.")
  URI kinesisEndpoint;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new AwsSetupCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() {
    AwsSetup.ExportSpec spec = null;
    if (!"NONE".equalsIgnoreCase(export)) {
      if (s3Bucket == null) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--export needs --s3-bucket");
      }
      spec =
          new AwsSetup.ExportSpec(
              ExportType.fromValue(export.toUpperCase(java.util.Locale.ROOT)),
              exportFormat,
              s3Bucket,
              s3Prefix,
              exportFrom,
              exportTo,
              wait);
    }
    List<AwsSetup.TableSetup> plan = new ArrayList<>();
    for (String table : tables) {
      plan.add(
          new AwsSetup.TableSetup(
              table, shards.getOrDefault(table, DEFAULT_SHARDS.getOrDefault(table, 1))));
    }
    try (DynamoDbClient ddb = dynamoDb();
        KinesisClient k = kinesis ? kinesis() : null) {
      AwsSetup.Result result =
          new AwsSetup(ddb, k, Duration.ofSeconds(5))
              .apply(
                  plan,
                  streams,
                  kinesis ? kinesisPrefix : null,
                  kinesis && destination,
                  precision,
                  spec);
      if (result.changes().isEmpty()) {
        System.out.println("aws-setup: everything was already as planned; nothing changed");
      }
      result.changes().forEach(c -> System.out.println("changed: " + c));
      result.notes().forEach(n -> System.out.println("note: " + n));
    }
    return 0;
  }

  private DynamoDbClient dynamoDb() {
    return LocalAws.client(DynamoDbClient.builder(), region, dynamodbEndpoint);
  }

  private KinesisClient kinesis() {
    return LocalAws.client(KinesisClient.builder(), region, kinesisEndpoint);
  }
}
