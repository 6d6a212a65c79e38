package io.ddb2delta.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.testing.DynamoTables;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** The three local services answer on 127.0.0.1, and DynamoDB Local emits stream records. */
class LocalStackIT {

  private static LocalStack stack;
  private static long startMillis;

  @BeforeAll
  static void start() {
    long t0 = System.nanoTime();
    stack = LocalStack.start(LocalStack.Config.all());
    startMillis = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("LocalStack started in " + startMillis + " ms:\n" + stack.describe());
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void everyEndpointIsLoopbackAndNotReachableOnOtherAddresses() throws IOException {
    List<URI> endpoints =
        List.of(
            stack.dynamoDb().orElseThrow().endpoint(),
            stack.kinesis().orElseThrow().endpoint(),
            stack.s3().orElseThrow().endpoint());
    List<InetAddress> others = nonLoopbackAddresses();
    for (URI endpoint : endpoints) {
      assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
      assertThat(connects(InetAddress.getLoopbackAddress(), endpoint.getPort())).isTrue();
      for (InetAddress other : others) {
        assertThat(connects(other, endpoint.getPort()))
            .as("%s also answers on %s", endpoint, other)
            .isFalse();
      }
    }
  }

  @Test
  void dynamoDbStreamShowsInsertModifyRemoveInOrder() {
    DynamoDbClient ddb = stack.dynamoDb().orElseThrow().dynamoDb();
    TableDescription table = DynamoTables.create(ddb, "orders", "order_id", true);
    Map<String, AttributeValue> key = Map.of("order_id", s("o-1"));
    ddb.putItem(b -> b.tableName("orders").item(Map.of("order_id", s("o-1"), "status", s("new"))));
    ddb.updateItem(
        b ->
            b.tableName("orders")
                .key(key)
                .updateExpression("SET #s = :s")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", s("paid"))));
    ddb.deleteItem(b -> b.tableName("orders").key(key));

    DynamoDbStreamsClient streams = stack.dynamoDb().orElseThrow().streams();
    String streamArn = streams.listStreams(b -> b.tableName("orders")).streams().get(0).streamArn();
    assertThat(streamArn).isEqualTo(table.latestStreamArn());
    List<software.amazon.awssdk.services.dynamodb.model.Record> records = new ArrayList<>();
    for (var shard :
        streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
      String iterator =
          streams
              .getShardIterator(
                  b ->
                      b.streamArn(streamArn)
                          .shardId(shard.shardId())
                          .shardIteratorType(
                              software.amazon.awssdk.services.dynamodb.model.ShardIteratorType
                                  .TRIM_HORIZON))
              .shardIterator();
      records.addAll(streams.getRecords(b -> b.shardIterator(iterator)).records());
    }

    assertThat(records)
        .extracting(r -> r.eventName())
        .containsExactly(OperationType.INSERT, OperationType.MODIFY, OperationType.REMOVE);
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.dynamodb().keys()).isEqualTo(key);
              assertThat(r.dynamodb().streamViewType())
                  .isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
            });
    assertThat(records.get(0).dynamodb().oldImage()).isEmpty();
    assertThat(records.get(0).dynamodb().newImage()).containsEntry("status", s("new"));
    assertThat(records.get(1).dynamodb().oldImage()).containsEntry("status", s("new"));
    assertThat(records.get(1).dynamodb().newImage()).containsEntry("status", s("paid"));
    assertThat(records.get(2).dynamodb().oldImage()).containsEntry("status", s("paid"));
    assertThat(records.get(2).dynamodb().newImage()).isEmpty();
    assertThat(records)
        .extracting(r -> r.dynamodb().sequenceNumber())
        .isSortedAccordingTo(
            (a, b) -> new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b)));
  }

  @Test
  void kinesisReturnsEveryRecordPutAcrossTwoShards() throws InterruptedException {
    KinesisClient kinesis = stack.kinesis().orElseThrow().kinesis();
    kinesis.createStream(b -> b.streamName("changes").shardCount(2));
    while (kinesis.describeStream(b -> b.streamName("changes")).streamDescription().streamStatus()
        != StreamStatus.ACTIVE) {
      Thread.sleep(50);
    }
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String data = "record-" + i;
      sent.add(data);
      kinesis.putRecord(
          b ->
              b.streamName("changes")
                  .partitionKey("key-" + data)
                  .data(SdkBytes.fromString(data, StandardCharsets.UTF_8)));
    }

    List<Shard> shards = kinesis.listShards(b -> b.streamName("changes")).shards();
    List<String> received = new ArrayList<>();
    List<String> shardsWithRecords = new ArrayList<>();
    for (Shard shard : shards) {
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName("changes")
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      List<Record> records = kinesis.getRecords(b -> b.shardIterator(iterator)).records();
      if (!records.isEmpty()) {
        shardsWithRecords.add(shard.shardId());
      }
      records.forEach(r -> received.add(r.data().asUtf8String()));
    }

    assertThat(shards).hasSize(2);
    assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(shardsWithRecords).as("ten keys spread over both shards").hasSize(2);
  }

  @Test
  void s3StoresAndReturnsAnObject() {
    var s3 = stack.s3().orElseThrow();
    s3.createBucket("local-stack-it");
    s3.client()
        .putObject(b -> b.bucket("local-stack-it").key("a/b.txt"), RequestBody.fromString("hello"));

    String read =
        s3.client().getObjectAsBytes(b -> b.bucket("local-stack-it").key("a/b.txt")).asUtf8String();

    assertThat(read).isEqualTo("hello");
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static boolean connects(InetAddress address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new java.net.InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> addresses = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
          addresses.add(address);
        }
      }
    }
    return addresses;
  }
}
