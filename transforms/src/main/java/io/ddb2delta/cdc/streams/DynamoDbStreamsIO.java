package io.ddb2delta.cdc.streams;

import io.ddb2delta.cdc.ChangeMessage;
import io.ddb2delta.cdc.ChangeMessageCoder;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.beam.sdk.io.BoundedReadFromUnboundedSource;
import org.apache.beam.sdk.io.aws2.common.ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.common.ClientConfiguration;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * Reads a DynamoDB table's stream (DynamoDB Streams, not Kinesis) as {@link ChangeMessage}s, each
 * with its payload in the <em>Kinesis Data Streams for DynamoDB</em> JSON shape, so one decoder
 * serves this source and Kinesis.
 *
 * <pre>{@code
 * PCollection<ChangeMessage> changes =
 *     p.apply(
 *         DynamoDbStreamsIO.read()
 *             .withTableName("orders")
 *             .withClientConfiguration(ClientConfiguration.builder().region(...).build())
 *             .withInitialPosition(StartPosition.TRIM_HORIZON));
 * }</pre>
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Each record of the table's latest stream (the one with the greatest StreamLabel) is emitted
 *       once per run, and one item's records in the order DynamoDB wrote them: a child shard is
 *       read only after its parent is read to its end.
 *   <li>Each message names the stream ARN, shard and sequence number; its timestamp and {@code
 *       arrivalMillis} are the record's ApproximateCreationDateTime (DynamoDB Local truncates it to
 *       the minute). A record that does not decode is emitted with {@code readError} set and the
 *       record's text as payload.
 *   <li>Restarting from a checkpoint, or with {@link Read#withStartPositions}, neither re-emits nor
 *       skips records. Records the stream trimmed (it keeps 24 hours) fail the read with a message;
 *       they are never skipped silently.
 *   <li>The watermark is the minimum over the readable shards of the creation time of the last
 *       record read; a shard caught up for longer than {@link Read#withIdleWatermarkDelay} holds it
 *       at most that far behind the clock. With DynamoDB Local's minute-truncated times, an idle
 *       delay under a minute lets records arrive behind the watermark.
 *   <li>No background threads: polling happens inside the reader's {@code advance()}.
 * </ul>
 *
 * <p>{@link Read#withMaxNumRecords} or {@link Read#withMaxReadTime} make the read bounded, as in
 * Beam's KinesisIO.
 */
public final class DynamoDbStreamsIO {
  private DynamoDbStreamsIO() {}

  /** A read with defaults: TRIM_HORIZON, idle watermark delay 2 s, poll interval 250 ms. */
  public static Read read() {
    return new Read(
        null,
        ClientConfiguration.EMPTY,
        StartPosition.TRIM_HORIZON,
        Map.of(),
        Long.MAX_VALUE,
        null,
        Duration.standardSeconds(2),
        Duration.millis(250),
        false);
  }

  /** An immutable description of the read; each {@code withX} returns a changed copy. */
  public static final class Read extends PTransform<PBegin, PCollection<ChangeMessage>> {
    private final @Nullable String tableName;
    private final ClientConfiguration clientConfiguration;
    private final StartPosition initialPosition;
    private final Map<String, String> startPositions;
    private final long maxNumRecords;
    private final @Nullable Duration maxReadTime;
    private final Duration idleWatermarkDelay;
    private final Duration pollInterval;
    private final boolean acrossTrimmedGaps;

    private Read(
        @Nullable String tableName,
        ClientConfiguration clientConfiguration,
        StartPosition initialPosition,
        Map<String, String> startPositions,
        long maxNumRecords,
        @Nullable Duration maxReadTime,
        Duration idleWatermarkDelay,
        Duration pollInterval,
        boolean acrossTrimmedGaps) {
      this.tableName = tableName;
      this.clientConfiguration = clientConfiguration;
      this.initialPosition = initialPosition;
      this.startPositions = startPositions;
      this.maxNumRecords = maxNumRecords;
      this.maxReadTime = maxReadTime;
      this.idleWatermarkDelay = idleWatermarkDelay;
      this.pollInterval = pollInterval;
      this.acrossTrimmedGaps = acrossTrimmedGaps;
    }

    /** The table whose latest stream (greatest StreamLabel) is read. Required. */
    public Read withTableName(String tableName) {
      if (tableName == null || tableName.isEmpty()) {
        throw new IllegalArgumentException("withTableName() needs a table name");
      }
      return new Read(
          tableName,
          clientConfiguration,
          initialPosition,
          startPositions,
          maxNumRecords,
          maxReadTime,
          idleWatermarkDelay,
          pollInterval,
          acrossTrimmedGaps);
    }

    /** Endpoint, region and credentials of the DynamoDB Streams client; default: the options'. */
    public Read withClientConfiguration(ClientConfiguration config) {
      Objects.requireNonNull(config, "withClientConfiguration() needs a configuration");
      return new Read(
          tableName,
          config,
          initialPosition,
          startPositions,
          maxNumRecords,
          maxReadTime,
          idleWatermarkDelay,
          pollInterval,
          acrossTrimmedGaps);
    }

    /**
     * Where the shards open at the first start are read from (default TRIM_HORIZON). Shards that
     * appear later are always read from TRIM_HORIZON: all their records are new.
     */
    public Read withInitialPosition(StartPosition position) {
      Objects.requireNonNull(position, "withInitialPosition() needs a position");
      return new Read(
          tableName,
          clientConfiguration,
          position,
          startPositions,
          maxNumRecords,
          maxReadTime,
          idleWatermarkDelay,
          pollInterval,
          acrossTrimmedGaps);
    }

    /**
     * Resumes from positions, shard id to the sequence number of the last record already processed:
     * those shards are read after it, their ancestors are not read, shards descending from them are
     * read from TRIM_HORIZON, and other shards follow {@link #withInitialPosition}. Ignored when
     * the runner restores a checkpoint.
     */
    public Read withStartPositions(Map<String, String> positions) {
      Objects.requireNonNull(positions, "withStartPositions() needs a map");
      positions.forEach(
          (shard, sequence) -> {
            if (shard == null || shard.isEmpty() || sequence == null || sequence.isEmpty()) {
              throw new IllegalArgumentException(
                  "withStartPositions() needs non-empty shard ids and sequence numbers: "
                      + positions);
            }
          });
      return new Read(
          tableName,
          clientConfiguration,
          initialPosition,
          new TreeMap<>(positions),
          maxNumRecords,
          maxReadTime,
          idleWatermarkDelay,
          pollInterval,
          acrossTrimmedGaps);
    }

    /** Stops after this many records, making the read bounded. */
    public Read withMaxNumRecords(long maxNumRecords) {
      if (maxNumRecords <= 0) {
        throw new IllegalArgumentException(
            "withMaxNumRecords() needs a positive count: " + maxNumRecords);
      }
      return new Read(
          tableName,
          clientConfiguration,
          initialPosition,
          startPositions,
          maxNumRecords,
          maxReadTime,
          idleWatermarkDelay,
          pollInterval,
          acrossTrimmedGaps);
    }

    /** Stops after reading for this long, making the read bounded. */
    public Read withMaxReadTime(Duration maxReadTime) {
      if (maxReadTime == null || maxReadTime.getMillis() <= 0) {
        throw new IllegalArgumentException(
            "withMaxReadTime() needs a positive duration: " + maxReadTime);
      }
      return new Read(
          tableName,
          clientConfiguration,
          initialPosition,
          startPositions,
          maxNumRecords,
          maxReadTime,
          idleWatermarkDelay,
          pollInterval,
          acrossTrimmedGaps);
    }

    /**
     * How long a caught-up shard may hold the watermark back (default 2 s); after that its
     * watermark is the clock minus this delay.
     */
    public Read withIdleWatermarkDelay(Duration delay) {
      if (delay == null || delay.getMillis() < 0) {
        throw new IllegalArgumentException(
            "withIdleWatermarkDelay() needs a duration of zero or more: " + delay);
      }
      return new Read(
          tableName,
          clientConfiguration,
          initialPosition,
          startPositions,
          maxNumRecords,
          maxReadTime,
          delay,
          pollInterval,
          acrossTrimmedGaps);
    }

    /**
     * The first wait before polling an idle shard again (default 250 ms); it doubles while the
     * shard stays idle, up to 8 times this.
     */
    public Read withPollInterval(Duration interval) {
      if (interval == null || interval.getMillis() <= 0) {
        throw new IllegalArgumentException(
            "withPollInterval() needs a positive duration: " + interval);
      }
      return new Read(
          tableName,
          clientConfiguration,
          initialPosition,
          startPositions,
          maxNumRecords,
          maxReadTime,
          idleWatermarkDelay,
          interval,
          acrossTrimmedGaps);
    }

    /**
     * Whether a shard whose next records were trimmed is read on from its oldest record instead of
     * failing the read (default false). Only for a run that repairs the gap with an incremental
     * export of the table covering it: the read then skips the trimmed records, logging the gap.
     */
    public Read withReadAcrossTrimmedGaps(boolean across) {
      return new Read(
          tableName,
          clientConfiguration,
          initialPosition,
          startPositions,
          maxNumRecords,
          maxReadTime,
          idleWatermarkDelay,
          pollInterval,
          across);
    }

    boolean acrossTrimmedGaps() {
      return acrossTrimmedGaps;
    }

    String tableName() {
      if (tableName == null) {
        throw new IllegalStateException("withTableName() is required");
      }
      return tableName;
    }

    ClientConfiguration clientConfiguration() {
      return clientConfiguration;
    }

    StartPosition initialPosition() {
      return initialPosition;
    }

    Map<String, String> startPositions() {
      return startPositions;
    }

    Duration idleWatermarkDelay() {
      return idleWatermarkDelay;
    }

    Duration pollInterval() {
      return pollInterval;
    }

    @Override
    public PCollection<ChangeMessage> expand(PBegin input) {
      if (tableName == null) {
        throw new IllegalArgumentException("withTableName() is required");
      }
      ClientBuilderFactory.validate(
          input.getPipeline().getOptions().as(AwsOptions.class), clientConfiguration);
      org.apache.beam.sdk.io.Read.Unbounded<ChangeMessage> unbounded =
          org.apache.beam.sdk.io.Read.from(new StreamsSource(this));
      PTransform<PBegin, PCollection<ChangeMessage>> transform = unbounded;
      if (maxNumRecords < Long.MAX_VALUE || maxReadTime != null) {
        BoundedReadFromUnboundedSource<ChangeMessage> bounded =
            maxNumRecords < Long.MAX_VALUE
                ? unbounded.withMaxNumRecords(maxNumRecords)
                : unbounded.withMaxReadTime(maxReadTime);
        if (maxNumRecords < Long.MAX_VALUE && maxReadTime != null) {
          bounded = bounded.withMaxReadTime(maxReadTime);
        }
        transform = bounded;
      }
      return input.apply(transform).setCoder(ChangeMessageCoder.of());
    }
  }
}
