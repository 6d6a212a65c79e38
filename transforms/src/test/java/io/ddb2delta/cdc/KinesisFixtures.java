package io.ddb2delta.cdc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the hand-written payloads under {@code kinesis-records/}. */
final class KinesisFixtures {
  private KinesisFixtures() {}

  /** The payload bytes of a one-line fixture, without its trailing newline. */
  static byte[] payload(String name) {
    return text(name).getBytes(StandardCharsets.UTF_8);
  }

  static String text(String name) {
    try (InputStream in = KinesisFixtures.class.getResourceAsStream("/kinesis-records/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture kinesis-records/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A Kinesis Data Streams for DynamoDB INSERT of a pending order, written out by hand, with the
   * given event id and order key.
   */
  static byte[] orderInsert(String eventId, String key) {
    String payload =
        "{\"awsRegion\":\"us-east-1\",\"eventID\":\""
            + eventId
            + "\",\"eventName\":\"INSERT\",\"userIdentity\":null,"
            + "\"recordFormat\":\"application/json\",\"tableName\":\"orders\",\"dynamodb\":"
            + "{\"ApproximateCreationDateTime\":1700000000123,\"Keys\":{\"order_id\":{\"S\":\""
            + key
            + "\"}},\"NewImage\":{\"order_id\":{\"S\":\""
            + key
            + "\"},\"amount\":{\"N\":\"19.99\"},\"status\":{\"S\":\"pending\"}},\"SizeBytes\":52},"
            + "\"eventSource\":\"aws:dynamodb\"}";
    return payload.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
