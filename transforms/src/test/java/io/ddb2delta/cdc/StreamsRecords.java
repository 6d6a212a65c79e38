package io.ddb2delta.cdc;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** DynamoDB Streams records built the way GetRecords returns them, for the tests. */
final class StreamsRecords {
  static final String STREAM_ARN =
      "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2024-07-15T00:00:00.000";
  static final String SHARD = "shardId-00000001720000000000-abcdef12";

  private StreamsRecords() {}

  static Record record(
      String eventName,
      String eventId,
      Instant created,
      String sequenceNumber,
      Map<String, AttributeValue> keys,
      Map<String, AttributeValue> newImage,
      Map<String, AttributeValue> oldImage) {
    StreamRecord.Builder change =
        StreamRecord.builder()
            .approximateCreationDateTime(created)
            .keys(keys)
            .sequenceNumber(sequenceNumber)
            .sizeBytes(42L)
            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES);
    if (newImage != null) {
      change.newImage(newImage);
    }
    if (oldImage != null) {
      change.oldImage(oldImage);
    }
    return Record.builder()
        .eventID(eventId)
        .eventName(eventName)
        .eventVersion("1.1")
        .eventSource("aws:dynamodb")
        .awsRegion("eu-west-1")
        .dynamodb(change.build())
        .build();
  }

  static Record ttlDelete(Record remove) {
    return remove.toBuilder()
        .userIdentity(
            Identity.builder().type("Service").principalId("dynamodb.amazonaws.com").build())
        .build();
  }
}
