package io.ddb2delta.testing;

import io.ddb2delta.cdc.TimePrecision;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.local.LocalKinesis;
import io.ddb2delta.tools.KinesisBridge;
import io.ddb2delta.tools.LoadGenerator;
import io.ddb2delta.tools.LoadLog;
import io.ddb2delta.tools.SyntheticTable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Changes for the streaming tests, made the way AWS makes them: the load generator writes to
 * DynamoDB Local (whose Streams record each change), and the Kinesis bridge copies a table's stream
 * into Kinesis in the Kinesis Data Streams for DynamoDB format.
 */
public final class ChangeFeeds {
  private ChangeFeeds() {}

  /**
   * Writes {@code changes} changes (50% inserts, 35% modifies, 15% removes) at {@code rate} per
   * second, stopping early after {@code limit} or when interrupted; returns the log of what was
   * written.
   */
  public static LoadLog generate(
      LocalDynamoDb dynamo,
      List<SyntheticTable> tables,
      long changes,
      double rate,
      Duration limit) {
    LoadLog log = LoadLog.inMemory();
    try {
      new LoadGenerator(
              dynamo.dynamoDb(),
              new LoadGenerator.Config(
                  tables,
                  rate,
                  new LoadGenerator.Mix(50, 35, 15),
                  changes + (long) rate,
                  changes,
                  limit),
              log)
          .run(s -> {}, Duration.ofHours(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return log;
  }

  /**
   * Copies every table's DynamoDB Stream into the existing Kinesis {@code stream}, a {@code
   * duplicateRate} share of records sent twice; returns the records put.
   */
  public static long bridge(
      LocalDynamoDb dynamo,
      LocalKinesis kinesis,
      List<SyntheticTable> tables,
      LoadLog load,
      String stream,
      double duplicateRate)
      throws Exception {
    long put = 0;
    for (SyntheticTable t : tables) {
      put +=
          new KinesisBridge(
                  new KinesisBridge.Config(
                      t.tableName(),
                      dynamo.streams(),
                      kinesis.kinesis(),
                      stream,
                      "us-east-1",
                      TimePrecision.MILLISECOND,
                      duplicateRate,
                      13,
                      Duration.ofMillis(50),
                      KinesisBridge.Start.TRIM_HORIZON,
                      Duration.ofSeconds(60),
                      load.counts().get(t.tableName()).values().stream()
                          .mapToLong(Long::longValue)
                          .sum()))
              .run()
              .put();
    }
    return put;
  }

  /** Creates a Kinesis stream with {@code shards} shards and waits until it is active. */
  public static void createStream(KinesisClient kinesis, String name, int shards)
      throws InterruptedException {
    kinesis.createStream(b -> b.streamName(name).shardCount(shards));
    while (kinesis.describeStream(b -> b.streamName(name)).streamDescription().streamStatus()
        != StreamStatus.ACTIVE) {
      Thread.sleep(50);
    }
  }

  /** Puts one payload, partitioned by its content so that records spread over the shards. */
  public static void put(KinesisClient kinesis, String stream, byte[] payload) {
    kinesis.putRecord(
        b ->
            b.streamName(stream)
                .partitionKey(Integer.toString(Arrays.hashCode(payload)))
                .data(SdkBytes.fromByteArray(payload)));
  }
}
