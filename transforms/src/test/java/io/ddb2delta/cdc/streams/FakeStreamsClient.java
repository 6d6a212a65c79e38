package io.ddb2delta.cdc.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsResponse;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.Stream;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * An in-memory DynamoDB stream for unit tests: shards with parents, records appended by the test,
 * GetRecords pages of at most {@link #pageSize}, and scripted faults (an expiring iterator, trimmed
 * records). Iterators are "shardId|index" strings.
 */
final class FakeStreamsClient implements DynamoDbStreamsClient {
  static final String TABLE = "orders";
  static final String ARN =
      "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000";

  private static final class FakeShard {
    final @Nullable String parent;
    final List<Record> records = new ArrayList<>();
    boolean closed;
    int trimmedBefore;

    FakeShard(@Nullable String parent) {
      this.parent = parent;
    }
  }

  private final Map<String, FakeShard> shards = new LinkedHashMap<>();

  /** Every GetRecords call, by shard, in order. */
  final List<String> polls = new ArrayList<>();

  final List<GetShardIteratorRequest> iteratorRequests = new ArrayList<>();
  int pageSize = 2;
  boolean hasStream = true;
  private final Set<String> expireNextGetRecords = new HashSet<>();
  private long sequence = 100;
  boolean closedClient;

  FakeStreamsClient shard(String shardId, @Nullable String parent) {
    shards.put(shardId, new FakeShard(parent));
    return this;
  }

  /** Appends an INSERT of item {@code id} to the shard; returns its sequence number. */
  String put(String shardId, String id, Instant created) {
    String seq = String.format("%021d", ++sequence);
    shards
        .get(shardId)
        .records
        .add(
            Record.builder()
                .eventID("ev-" + seq)
                .eventName(OperationType.INSERT)
                .eventSource("aws:dynamodb")
                .eventVersion("1.1")
                .awsRegion("us-east-1")
                .dynamodb(
                    StreamRecord.builder()
                        .keys(Map.of("order_id", AttributeValue.fromS(id)))
                        .newImage(
                            Map.of(
                                "order_id",
                                AttributeValue.fromS(id),
                                "amount",
                                AttributeValue.fromN("1.5")))
                        .sequenceNumber(seq)
                        .approximateCreationDateTime(created)
                        .sizeBytes(20L)
                        .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                        .build())
                .build());
    return seq;
  }

  /** Appends a record as is. */
  void putRaw(String shardId, Record record) {
    shards.get(shardId).records.add(record);
  }

  void close(String shardId) {
    shards.get(shardId).closed = true;
  }

  /** The stream has trimmed the shard's first {@code n} records. */
  void trim(String shardId, int n) {
    shards.get(shardId).trimmedBefore = n;
  }

  void expireNextGetRecords(String shardId) {
    expireNextGetRecords.add(shardId);
  }

  void remove(String shardId) {
    shards.remove(shardId);
  }

  @Override
  public ListStreamsResponse listStreams(ListStreamsRequest request) {
    if (!hasStream) {
      return ListStreamsResponse.builder().streams(List.of()).build();
    }
    return ListStreamsResponse.builder()
        .streams(
            Stream.builder()
                .streamArn(ARN)
                .tableName(TABLE)
                .streamLabel("2024-01-01T00:00:00.000")
                .build())
        .build();
  }

  @Override
  public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
    check(request.streamArn());
    List<Shard> listed = new ArrayList<>();
    shards.forEach(
        (id, s) -> listed.add(Shard.builder().shardId(id).parentShardId(s.parent).build()));
    return DescribeStreamResponse.builder()
        .streamDescription(d -> d.streamArn(ARN).shards(listed))
        .build();
  }

  @Override
  public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
    check(request.streamArn());
    iteratorRequests.add(request);
    FakeShard shard = shards.get(request.shardId());
    if (shard == null) {
      throw ResourceNotFoundException.builder().message("no shard " + request.shardId()).build();
    }
    int index =
        switch (request.shardIteratorType()) {
          case TRIM_HORIZON -> shard.trimmedBefore;
          case LATEST -> shard.records.size();
          case AFTER_SEQUENCE_NUMBER -> indexOf(shard, request.sequenceNumber()) + 1;
          case AT_SEQUENCE_NUMBER -> indexOf(shard, request.sequenceNumber());
          default -> throw new IllegalArgumentException(request.shardIteratorTypeAsString());
        };
    if (index < shard.trimmedBefore) {
      throw TrimmedDataAccessException.builder().message("trimmed").build();
    }
    return GetShardIteratorResponse.builder()
        .shardIterator(request.shardId() + "|" + index)
        .build();
  }

  private static int indexOf(FakeShard shard, String sequence) {
    for (int i = 0; i < shard.records.size(); i++) {
      if (shard.records.get(i).dynamodb().sequenceNumber().equals(sequence)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no sequence number " + sequence);
  }

  @Override
  public GetRecordsResponse getRecords(GetRecordsRequest request) {
    String[] parts = request.shardIterator().split("\\|");
    String shardId = parts[0];
    int index = Integer.parseInt(parts[1]);
    polls.add(shardId);
    if (expireNextGetRecords.remove(shardId)) {
      throw ExpiredIteratorException.builder().message("expired").build();
    }
    FakeShard shard = shards.get(shardId);
    if (index < shard.trimmedBefore) {
      throw TrimmedDataAccessException.builder().message("trimmed").build();
    }
    int limit = Math.min(pageSize, request.limit() == null ? pageSize : request.limit());
    int end = Math.min(shard.records.size(), index + limit);
    List<Record> page = new ArrayList<>(shard.records.subList(index, end));
    String next = shard.closed && end == shard.records.size() ? null : shardId + "|" + end;
    return GetRecordsResponse.builder().records(page).nextShardIterator(next).build();
  }

  private void check(String arn) {
    if (!hasStream || !ARN.equals(arn)) {
      throw ResourceNotFoundException.builder().message("no stream " + arn).build();
    }
  }

  @Override
  public String serviceName() {
    return "dynamodb";
  }

  @Override
  public void close() {
    closedClient = true;
  }
}
