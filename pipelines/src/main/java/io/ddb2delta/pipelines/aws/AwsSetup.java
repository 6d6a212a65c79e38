package io.ddb2delta.pipelines.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ApproximateCreationDateTimePrecision;
import software.amazon.awssdk.services.dynamodb.model.DestinationStatus;
import software.amazon.awssdk.services.dynamodb.model.EnableKinesisStreamingDestinationRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.dynamodb.model.ExportViewType;
import software.amazon.awssdk.services.dynamodb.model.KinesisDataStreamDestination;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Sets up the AWS side of ddb2delta for a list of tables, as code: DynamoDB Streams with
 * NEW_AND_OLD_IMAGES, one Kinesis data stream per table, the table's Kinesis streaming destination,
 * and an Export to S3 that it waits for.
 *
 * <p>Guarantees: idempotent. Each step first reads the current state and changes only what differs,
 * so a second run reports no changes; an export is started with a client token derived from its
 * parameters, which AWS uses to return the same export instead of starting another. A state it must
 * not change by itself (a stream with another view type) fails with what to do.
 */
public final class AwsSetup {
  private final DynamoDbClient dynamoDb;
  private final @Nullable KinesisClient kinesis;
  private final Duration pollInterval;

  public AwsSetup(DynamoDbClient dynamoDb, @Nullable KinesisClient kinesis, Duration pollInterval) {
    this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
    this.kinesis = kinesis;
    this.pollInterval = pollInterval;
  }

  /** One table: its name and the shard count of its Kinesis stream. */
  public record TableSetup(String table, int shards) {
    public TableSetup {
      if (shards < 1) {
        throw new IllegalArgumentException(
            "a Kinesis stream needs at least 1 shard, got " + shards);
      }
    }
  }

  /** An Export to S3 to start and wait for. */
  public record ExportSpec(
      ExportType type,
      ExportFormat format,
      String s3Bucket,
      String s3Prefix,
      @Nullable Instant from,
      @Nullable Instant to,
      Duration timeout) {
    public ExportSpec {
      if (type == ExportType.INCREMENTAL_EXPORT && (from == null || to == null)) {
        throw new IllegalArgumentException(
            "an incremental export needs --export-from and --export-to");
      }
    }
  }

  /** What a run changed; empty when everything was already as planned. */
  public record Result(List<String> changes, List<String> notes, List<ExportDescription> exports) {}

  /** Applies the plan to every table; see the class documentation for each step. */
  public Result apply(
      List<TableSetup> tables,
      boolean streams,
      @Nullable String kinesisPrefix,
      boolean kinesisDestination,
      ApproximateCreationDateTimePrecision precision,
      @Nullable ExportSpec export) {
    List<String> changes = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<ExportDescription> exports = new ArrayList<>();
    for (TableSetup t : tables) {
      TableDescription table = dynamoDb.describeTable(b -> b.tableName(t.table())).table();
      if (streams) {
        enableStream(table, changes);
      }
      if (kinesisPrefix != null) {
        String streamArn =
            ensureKinesisStream(kinesisPrefix + t.table(), t.shards(), changes, notes);
        if (kinesisDestination) {
          enableDestination(t.table(), streamArn, precision, changes);
        }
      }
      if (export != null) {
        exports.add(exportAndWait(table.tableArn(), export, changes));
      }
    }
    return new Result(List.copyOf(changes), List.copyOf(notes), List.copyOf(exports));
  }

  private void enableStream(TableDescription table, List<String> changes) {
    StreamSpecification spec = table.streamSpecification();
    if (spec != null && Boolean.TRUE.equals(spec.streamEnabled())) {
      if (spec.streamViewType() != StreamViewType.NEW_AND_OLD_IMAGES) {
        throw new IllegalStateException(
            "table "
                + table.tableName()
                + " streams "
                + spec.streamViewTypeAsString()
                + "; ddb2delta needs NEW_AND_OLD_IMAGES. A view type cannot be changed in place:"
                + " disable the stream (its records are then lost after 24 h) and run aws-setup"
                + " again.");
      }
      return;
    }
    dynamoDb.updateTable(
        b ->
            b.tableName(table.tableName())
                .streamSpecification(
                    s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
    changes.add("enabled DynamoDB Streams (NEW_AND_OLD_IMAGES) on " + table.tableName());
  }

  private String ensureKinesisStream(
      String name, int shards, List<String> changes, List<String> notes) {
    KinesisClient k = Objects.requireNonNull(kinesis, "a Kinesis client is needed for streams");
    StreamDescriptionSummary summary;
    try {
      summary = k.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
      if (summary.openShardCount() != shards) {
        notes.add(
            "Kinesis stream "
                + name
                + " has "
                + summary.openShardCount()
                + " open shards, the plan says "
                + shards
                + "; left as is (resharding is a capacity decision)");
      }
    } catch (ResourceNotFoundException e) {
      k.createStream(b -> b.streamName(name).shardCount(shards));
      changes.add("created Kinesis stream " + name + " with " + shards + " shards");
    }
    while (true) {
      summary = k.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
      if (summary.streamStatus() == StreamStatus.ACTIVE) {
        return summary.streamARN();
      }
      sleep();
    }
  }

  /** The exact request that enables a table's Kinesis streaming destination. */
  static EnableKinesisStreamingDestinationRequest destinationRequest(
      String table, String streamArn, ApproximateCreationDateTimePrecision precision) {
    return EnableKinesisStreamingDestinationRequest.builder()
        .tableName(table)
        .streamArn(streamArn)
        .enableKinesisStreamingConfiguration(c -> c.approximateCreationDateTimePrecision(precision))
        .build();
  }

  void enableDestination(
      String table,
      String streamArn,
      ApproximateCreationDateTimePrecision precision,
      List<String> changes) {
    List<KinesisDataStreamDestination> destinations =
        dynamoDb
            .describeKinesisStreamingDestination(b -> b.tableName(table))
            .kinesisDataStreamDestinations();
    for (KinesisDataStreamDestination d : destinations) {
      if (streamArn.equals(d.streamArn())
          && (d.destinationStatus() == DestinationStatus.ACTIVE
              || d.destinationStatus() == DestinationStatus.ENABLING)) {
        return;
      }
    }
    dynamoDb.enableKinesisStreamingDestination(destinationRequest(table, streamArn, precision));
    changes.add(
        "enabled the Kinesis streaming destination of "
            + table
            + " to "
            + streamArn
            + " ("
            + precision
            + ")");
  }

  /**
   * The exact request that starts an export. The client token is a digest of the parameters, so
   * running the same plan again returns the export already started (AWS keeps tokens for 8 hours).
   */
  static ExportTableToPointInTimeRequest exportRequest(String tableArn, ExportSpec spec) {
    String token =
        UUID.nameUUIDFromBytes(
                String.join(
                        "|",
                        tableArn,
                        spec.type().toString(),
                        spec.format().toString(),
                        spec.s3Bucket(),
                        spec.s3Prefix(),
                        String.valueOf(spec.from()),
                        String.valueOf(spec.to()))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .toString();
    ExportTableToPointInTimeRequest.Builder b =
        ExportTableToPointInTimeRequest.builder()
            .tableArn(tableArn)
            .s3Bucket(spec.s3Bucket())
            .s3Prefix(spec.s3Prefix())
            .exportFormat(spec.format())
            .exportType(spec.type())
            .clientToken(token);
    if (spec.type() == ExportType.INCREMENTAL_EXPORT) {
      b.incrementalExportSpecification(
          i ->
              i.exportFromTime(spec.from())
                  .exportToTime(spec.to())
                  .exportViewType(ExportViewType.NEW_AND_OLD_IMAGES));
    }
    return b.build();
  }

  ExportDescription exportAndWait(String tableArn, ExportSpec spec, List<String> changes) {
    ExportDescription export =
        dynamoDb.exportTableToPointInTime(exportRequest(tableArn, spec)).exportDescription();
    changes.add(
        String.format(
            Locale.ROOT,
            "export %s of %s to s3://%s/%s (%s)",
            export.exportArn(),
            tableArn,
            spec.s3Bucket(),
            spec.s3Prefix(),
            export.exportStatusAsString()));
    Instant deadline = Instant.now().plus(spec.timeout());
    while (export.exportStatus() == ExportStatus.IN_PROGRESS) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "export " + export.exportArn() + " still IN_PROGRESS after " + spec.timeout());
      }
      sleep();
      String arn = export.exportArn();
      export = dynamoDb.describeExport(b -> b.exportArn(arn)).exportDescription();
    }
    if (export.exportStatus() == ExportStatus.FAILED) {
      throw new IllegalStateException(
          "export " + export.exportArn() + " failed: " + export.failureMessage());
    }
    return export;
  }

  private void sleep() {
    try {
      Thread.sleep(pollInterval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }
}
