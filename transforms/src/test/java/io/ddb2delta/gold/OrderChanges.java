package io.ddb2delta.gold;

import io.ddb2delta.cdc.ChangeMessage;
import io.ddb2delta.cdc.DecodedMessage;
import io.ddb2delta.cdc.DecodedMessageCoder;
import io.ddb2delta.cdc.KinesisRecordDecoder;
import io.ddb2delta.change.SourceKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Changes of the orders table as Kinesis Data Streams for DynamoDB delivers them, written out by
 * hand as JSON, then decoded by the decoder the pipeline uses.
 */
final class OrderChanges {
  static final Map<String, List<String>> KEYS = Map.of("orders", List.of("order_id"));
  static final KinesisRecordDecoder DECODER = KinesisRecordDecoder.forTables(KEYS);
  static final DecodedMessageCoder CODER = DecodedMessageCoder.forTables(KEYS);

  private OrderChanges() {}

  /** An order as the item stores it: amount a number, created_at ISO-8601 text. */
  record Order(
      String id, String customer, String product, String amount, String status, String createdAt) {
    Order withStatus(String s) {
      return new Order(id, customer, product, amount, s, createdAt);
    }

    Order withAmount(String a) {
      return new Order(id, customer, product, a, status, createdAt);
    }

    String json() {
      return "{\"order_id\":{\"S\":\""
          + id
          + "\"},\"customer_id\":{\"S\":\""
          + customer
          + "\"},\"product_id\":{\"S\":\""
          + product
          + "\"},\"amount\":{\"N\":\""
          + amount
          + "\"},\"status\":{\"S\":\""
          + status
          + "\"},\"created_at\":{\"S\":\""
          + createdAt
          + "\"}}";
    }
  }

  static DecodedMessage insert(String eventId, String at, long sequence, Order order) {
    return change(eventId, "INSERT", at, sequence, order.id(), null, order);
  }

  static DecodedMessage modify(String eventId, String at, long sequence, Order before, Order now) {
    return change(eventId, "MODIFY", at, sequence, now.id(), before, now);
  }

  static DecodedMessage remove(String eventId, String at, long sequence, Order before) {
    return change(eventId, "REMOVE", at, sequence, before.id(), before, null);
  }

  private static DecodedMessage change(
      String eventId,
      String op,
      String at,
      long sequence,
      String key,
      @Nullable Order before,
      @Nullable Order now) {
    long millis = Instant.parse(at).toEpochMilli();
    String payload =
        "{\"awsRegion\":\"us-east-1\",\"eventID\":\""
            + eventId
            + "\",\"eventName\":\""
            + op
            + "\",\"userIdentity\":null,\"recordFormat\":\"application/json\","
            + "\"tableName\":\"orders\",\"dynamodb\":{\"ApproximateCreationDateTime\":"
            + millis
            + ",\"Keys\":{\"order_id\":{\"S\":\""
            + key
            + "\"}}"
            + (now == null ? "" : ",\"NewImage\":" + now.json())
            + (before == null ? "" : ",\"OldImage\":" + before.json())
            + ",\"SizeBytes\":120},\"eventSource\":\"aws:dynamodb\"}";
    ChangeMessage m =
        new ChangeMessage(
            SourceKind.KINESIS,
            "orders-stream",
            "shardId-000000000000",
            Long.toString(sequence),
            millis,
            millis,
            payload.getBytes(StandardCharsets.UTF_8),
            null);
    DecodedMessage d = DecodedMessage.decode(m, DECODER);
    if (d.isDeadLetter()) {
      throw new IllegalArgumentException("fixture does not decode: " + m.readError());
    }
    return d;
  }
}
