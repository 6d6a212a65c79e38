package io.ddb2delta.cdc.streams;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.Stream;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The shards of a DynamoDB stream as far as ordering is concerned, and the rule for reading them: a
 * shard may be read only once its parent is read to its end, or its parent is no longer listed
 * (expired from the stream, or never there). Reading parents fully before children keeps each
 * item's changes in the order DynamoDB wrote them across a shard split or rollover.
 *
 * <p>Shared by {@link DynamoDbStreamsIO} and the Kinesis bridge tool.
 */
public final class ShardLineage {
  private ShardLineage() {}

  /** A shard and its parent, as DescribeStream lists them. */
  public record ShardLink(String shardId, @Nullable String parentShardId) {
    public ShardLink {
      Objects.requireNonNull(shardId, "shardId");
    }
  }

  /** The table has no DynamoDB stream, or its stream no longer exists. */
  public static final class NoStreamException extends IllegalStateException {
    public NoStreamException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  /** The message for a table whose stream is missing: it says how to enable one. */
  public static String noStreamMessage(String tableName) {
    return "table "
        + tableName
        + " has no DynamoDB stream; enable one with view type NEW_AND_OLD_IMAGES, e.g. `aws-setup"
        + " --tables "
        + tableName
        + "` (it enables streams unless --no-streams is given) or `aws dynamodb update-table"
        + " --table-name "
        + tableName
        + " --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES`";
  }

  /**
   * The table's newest stream: the one with the greatest label, which is the time it was enabled.
   *
   * @throws NoStreamException when the table has none, or does not exist
   */
  public static String latestStreamArn(DynamoDbStreamsClient client, String tableName) {
    List<Stream> all = new ArrayList<>();
    String from = null;
    try {
      do {
        String start = from;
        ListStreamsResponse response =
            client.listStreams(b -> b.tableName(tableName).exclusiveStartStreamArn(start));
        all.addAll(response.streams());
        from = response.lastEvaluatedStreamArn();
      } while (from != null);
    } catch (ResourceNotFoundException e) {
      throw new NoStreamException(noStreamMessage(tableName), e);
    }
    return all.stream()
        .max(Comparator.comparing(Stream::streamLabel))
        .orElseThrow(() -> new NoStreamException(noStreamMessage(tableName), null))
        .streamArn();
  }

  /** Every shard the stream lists now, in list order, following DescribeStream's pages. */
  public static List<ShardLink> describe(DynamoDbStreamsClient client, String streamArn) {
    List<ShardLink> shards = new ArrayList<>();
    String from = null;
    do {
      String start = from;
      StreamDescription description =
          client
              .describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(start))
              .streamDescription();
      for (Shard s : description.shards()) {
        shards.add(new ShardLink(s.shardId(), s.parentShardId()));
      }
      from = description.lastEvaluatedShardId();
    } while (from != null);
    return shards;
  }

  /**
   * The shards to read now, in list order: those not finished whose parent is finished or not
   * listed. A child listed before its open parent waits.
   */
  public static List<String> readable(List<ShardLink> shards, Set<String> finished) {
    Set<String> listed = new HashSet<>();
    shards.forEach(s -> listed.add(s.shardId()));
    List<String> out = new ArrayList<>();
    for (ShardLink s : shards) {
      String parent = s.parentShardId();
      boolean parentDone = parent == null || !listed.contains(parent) || finished.contains(parent);
      if (!finished.contains(s.shardId()) && parentDone) {
        out.add(s.shardId());
      }
    }
    return out;
  }

  /** The ancestors of a shard, nearest first, ending with the first parent that is not listed. */
  public static List<String> ancestors(List<ShardLink> shards, String shardId) {
    Map<String, String> parents = new HashMap<>();
    shards.forEach(s -> parents.put(s.shardId(), s.parentShardId()));
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String parent = parents.get(shardId);
    while (parent != null && seen.add(parent)) {
      out.add(parent);
      parent = parents.get(parent);
    }
    return out;
  }

  /** Whether any of the shard's {@link #ancestors} is in {@code ids}. */
  public static boolean descendsFromAny(
      List<ShardLink> shards, String shardId, Collection<String> ids) {
    return ancestors(shards, shardId).stream().anyMatch(ids::contains);
  }
}
