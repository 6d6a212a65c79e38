package io.ddb2delta.pipelines;

import io.ddb2delta.cdc.ShardPositions;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Which committed shards a restart no longer needs, asked of the source at start-up, so that the
 * committed positions stay bounded and a closed shard does not pin a Kinesis resume far back.
 *
 * <p>A shard is retired when:
 *
 * <ul>
 *   <li>the source no longer lists it (its records are past the retention, so nothing of it can be
 *       read or replayed); or, for Kinesis only,
 *   <li>it is closed, nothing follows its committed position (read to its end and committed), and
 *       its newest committed arrival lies before the time the stream resumes at (the oldest newest
 *       arrival of the shards kept, minus the resume margin): a read from that time gets nothing of
 *       it, so no replay of it needs its position.
 * </ul>
 *
 * <p>A Kinesis stream always keeps at least the shard with the newest arrival, which is where it
 * resumes. DynamoDB Streams resume each shard at its own sequence number, and a listed shard left
 * out would be read again from its start, so only unlisted ones retire there; DynamoDB removes a
 * shard about 24 hours after it closes, which bounds what the positions hold.
 */
final class RetiredShards {
  /** What the source says of a committed shard. */
  enum State {
    SERVED,
    CLOSED_AND_READ,
    GONE
  }

  /** GetRecords calls spent on a closed shard before it is taken as not read to its end. */
  private static final int MAX_PROBES = 5;

  private RetiredShards() {}

  /**
   * The retired shards of one stream, at their committed positions, from what the source says of
   * each. Kinesis ({@code timestampResume}) keeps at least one shard and retires closed ones by the
   * resume time; otherwise only gone shards retire.
   */
  static ShardPositions choose(
      String stream,
      Map<String, State> states,
      ShardPositions committed,
      ShardPositions arrivals,
      long marginMillis,
      boolean timestampResume) {
    Map<String, String> positions = committed.ofStream(stream);
    Map<String, String> arrived = arrivals.ofStream(stream);
    Set<String> retired = new HashSet<>();
    positions.keySet().stream()
        .filter(shard -> stateOf(states, shard) == State.GONE)
        .forEach(retired::add);
    if (timestampResume) {
      // Where the stream resumes: the oldest newest arrival of the shards still served.
      long resumeAt =
          positions.keySet().stream()
              .filter(shard -> stateOf(states, shard) == State.SERVED)
              .mapToLong(shard -> arrivalOf(arrived, shard))
              .min()
              .orElse(Long.MAX_VALUE);
      if (resumeAt != Long.MAX_VALUE && resumeAt != Long.MIN_VALUE) {
        resumeAt -= marginMillis;
      }
      for (String shard : positions.keySet()) {
        if (stateOf(states, shard) == State.CLOSED_AND_READ
            && arrivalOf(arrived, shard) < resumeAt) {
          retired.add(shard);
        }
      }
      if (retired.size() == positions.size() && !positions.isEmpty()) {
        String newest =
            positions.keySet().stream()
                .max((a, b) -> Long.compare(arrivalOf(arrived, a), arrivalOf(arrived, b)))
                .orElseThrow();
        retired.remove(newest);
      }
    }
    ShardPositions out = ShardPositions.empty();
    for (String shard : retired) {
      out = out.with(stream, shard, positions.get(shard));
    }
    return out;
  }

  private static State stateOf(Map<String, State> states, String shard) {
    return states.getOrDefault(shard, State.SERVED);
  }

  private static long arrivalOf(Map<String, String> arrived, String shard) {
    String a = arrived.get(shard);
    // A shard without a recorded arrival cannot be placed in time; it is never retired by time.
    return a == null ? Long.MIN_VALUE : Long.parseLong(a);
  }

  /** The committed shards of a Kinesis stream that a restart no longer needs. */
  static ShardPositions ofKinesis(
      KinesisClient kinesis,
      String stream,
      ShardPositions committed,
      ShardPositions arrivals,
      long marginMillis) {
    Map<String, String> positions = committed.ofStream(stream);
    if (positions.isEmpty()) {
      return ShardPositions.empty();
    }
    Map<String, Shard> listed = new LinkedHashMap<>();
    String next = null;
    do {
      String token = next;
      ListShardsResponse page =
          kinesis.listShards(
              b -> {
                if (token == null) {
                  b.streamName(stream);
                } else {
                  b.nextToken(token);
                }
              });
      page.shards().forEach(s -> listed.put(s.shardId(), s));
      next = page.nextToken();
    } while (next != null);
    Map<String, State> states = new LinkedHashMap<>();
    for (Map.Entry<String, String> shard : positions.entrySet()) {
      Shard s = listed.get(shard.getKey());
      if (s == null) {
        states.put(shard.getKey(), State.GONE);
      } else if (s.sequenceNumberRange().endingSequenceNumber() != null
          && readToItsEnd(kinesis, stream, shard.getKey(), shard.getValue())) {
        states.put(shard.getKey(), State.CLOSED_AND_READ);
      } else {
        states.put(shard.getKey(), State.SERVED);
      }
    }
    return choose(stream, states, committed, arrivals, marginMillis, true);
  }

  /** True when a closed shard has no record after {@code sequence}. */
  private static boolean readToItsEnd(
      KinesisClient kinesis, String stream, String shard, String sequence) {
    String iterator =
        kinesis
            .getShardIterator(
                b ->
                    b.streamName(stream)
                        .shardId(shard)
                        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .startingSequenceNumber(sequence))
            .shardIterator();
    for (int i = 0; i < MAX_PROBES && iterator != null; i++) {
      String it = iterator;
      GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(it).limit(1));
      if (!page.records().isEmpty()) {
        return false;
      }
      iterator = page.nextShardIterator();
    }
    return iterator == null;
  }

  /** The committed shards of tables' DynamoDB Streams that the streams no longer list. */
  static ShardPositions ofDynamoDbStreams(DynamoDbStreamsClient streams, ShardPositions committed) {
    ShardPositions out = ShardPositions.empty();
    for (String arn : committed.asMap().keySet()) {
      Set<String> listed = new HashSet<>();
      boolean exists = true;
      String start = null;
      try {
        do {
          String from = start;
          DescribeStreamResponse page =
              streams.describeStream(
                  b -> {
                    b.streamArn(arn);
                    if (from != null) {
                      b.exclusiveStartShardId(from);
                    }
                  });
          page.streamDescription().shards().forEach(s -> listed.add(s.shardId()));
          start = page.streamDescription().lastEvaluatedShardId();
        } while (start != null);
      } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
        exists = false;
      }
      Map<String, State> states = new LinkedHashMap<>();
      for (String shard : committed.ofStream(arn).keySet()) {
        states.put(shard, exists && listed.contains(shard) ? State.SERVED : State.GONE);
      }
      out = out.merge(choose(arn, states, committed, ShardPositions.empty(), 0, false));
    }
    return out;
  }
}
