package io.ddb2delta.testing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * What a DynamoDB stream or a Kinesis stream holds, read directly with the SDK from the trim
 * horizon, page by page: the ground truth the pipeline's tables are checked against.
 */
public final class StreamContents {
  private StreamContents() {}

  /** A Kinesis record with the shard that carried it. */
  public record ShardRecord(
      String shardId, software.amazon.awssdk.services.kinesis.model.Record record) {}

  /** Every record of the table's (first) DynamoDB stream, shard by shard, in sequence order. */
  public static List<Record> dynamoRecords(DynamoDbStreamsClient streams, String table) {
    String arn = streams.listStreams(b -> b.tableName(table)).streams().get(0).streamArn();
    List<Record> out = new ArrayList<>();
    for (var shard : streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards()) {
      String iterator =
          streams
              .getShardIterator(
                  b ->
                      b.streamArn(arn)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String current = iterator;
        var page = streams.getRecords(b -> b.shardIterator(current));
        out.addAll(page.records());
        if (page.records().isEmpty()) {
          break;
        }
        iterator = page.nextShardIterator();
      }
    }
    return out;
  }

  /** The event ids of every record of the table's DynamoDB stream. */
  public static Set<String> dynamoEventIds(DynamoDbStreamsClient streams, String table) {
    Set<String> ids = new LinkedHashSet<>();
    dynamoRecords(streams, table).forEach(r -> ids.add(r.eventID()));
    return ids;
  }

  /** Every record of a Kinesis stream, shard by shard, each shard in sequence order. */
  public static List<ShardRecord> kinesisRecords(KinesisClient kinesis, String stream) {
    List<ShardRecord> out = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(
                              software.amazon.awssdk.services.kinesis.model.ShardIteratorType
                                  .TRIM_HORIZON))
              .shardIterator();
      while (true) {
        String current = iterator;
        GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current));
        if (page.records().isEmpty()) {
          break;
        }
        page.records().forEach(r -> out.add(new ShardRecord(shard.shardId(), r)));
        iterator = page.nextShardIterator();
      }
    }
    return out;
  }
}
