package io.ddb2delta.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.cdc.ShardPositions;
import io.ddb2delta.local.LocalKinesis;
import io.ddb2delta.testing.ChangeFeeds;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;

/**
 * What kinesalite says of committed shards after a reshard: a parent read to its end retires, one
 * with records after its position stays, and a shard the stream no longer lists retires.
 */
class RetiredShardsIT {
  private static final String STREAM = "retired-shards";
  private static LocalKinesis local;
  private static KinesisClient kinesis;
  private static String parent;
  private static List<String> parentSequences;
  private static String child;
  private static String childSequence;

  @BeforeAll
  static void reshard() throws Exception {
    local = LocalKinesis.start();
    kinesis = local.kinesis();
    ChangeFeeds.createStream(kinesis, STREAM, 1);
    parent = kinesis.listShards(b -> b.streamName(STREAM)).shards().get(0).shardId();
    parentSequences = List.of(put("k1"), put("k2"), put("k3"));
    BigInteger middle = BigInteger.TWO.pow(127);
    kinesis.splitShard(
        b -> b.streamName(STREAM).shardToSplit(parent).newStartingHashKey(middle.toString()));
    for (int i = 0; i < 100; i++) {
      String status =
          kinesis
              .describeStreamSummary(b -> b.streamName(STREAM))
              .streamDescriptionSummary()
              .streamStatusAsString();
      if ("ACTIVE".equals(status)) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(kinesis.listShards(b -> b.streamName(STREAM)).shards()).hasSize(3);
    PutRecordResponse after = putRecord("k4");
    child = after.shardId();
    childSequence = after.sequenceNumber();
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
  }

  private static String put(String key) {
    return putRecord(key).sequenceNumber();
  }

  private static PutRecordResponse putRecord(String key) {
    return kinesis.putRecord(
        b ->
            b.streamName(STREAM)
                .partitionKey(key)
                .data(SdkBytes.fromString(key, StandardCharsets.UTF_8)));
  }

  @Test
  void aParentReadToItsEndRetiresAndAnUnlistedShardToo() {
    ShardPositions committed =
        ShardPositions.empty()
            .with(STREAM, parent, parentSequences.get(2))
            .with(STREAM, child, childSequence)
            .with(STREAM, "shardId-000000000099", "1");
    ShardPositions arrivals =
        ShardPositions.empty()
            .with(STREAM, parent, "1000")
            .with(STREAM, child, "900000")
            .with(STREAM, "shardId-000000000099", "800000");

    ShardPositions retired = RetiredShards.ofKinesis(kinesis, STREAM, committed, arrivals, 0);

    assertThat(retired.ofStream(STREAM))
        .isEqualTo(Map.of(parent, parentSequences.get(2), "shardId-000000000099", "1"));
  }

  @Test
  void aParentWithRecordsAfterItsPositionStays() {
    ShardPositions committed =
        ShardPositions.empty()
            .with(STREAM, parent, parentSequences.get(1))
            .with(STREAM, child, childSequence);
    ShardPositions arrivals =
        ShardPositions.empty().with(STREAM, parent, "1000").with(STREAM, child, "900000");

    assertThat(RetiredShards.ofKinesis(kinesis, STREAM, committed, arrivals, 0).isEmpty()).isTrue();
  }
}
