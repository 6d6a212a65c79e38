package io.ddb2delta.cdc;

import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.Op;
import io.ddb2delta.model.DynamoValue;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The rules both change sources share: event names, image presence and TTL identity. */
final class ChangeRules {
  /** The {@code userIdentity} of a delete made by Time to Live. */
  static final String TTL_IDENTITY_TYPE = "Service";

  static final String TTL_PRINCIPAL = "dynamodb.amazonaws.com";

  static final String EVENT_SOURCE = "aws:dynamodb";

  private ChangeRules() {}

  static Op op(@Nullable String eventName) {
    if (eventName == null) {
      throw new DecodeException(DecodeException.INVALID_SHAPE, "record has no eventName");
    }
    return switch (eventName) {
      case "INSERT" -> Op.INSERT;
      case "MODIFY" -> Op.MODIFY;
      case "REMOVE" -> Op.REMOVE;
      default ->
          throw new DecodeException(
              DecodeException.INVALID_SHAPE,
              "eventName is \"" + eventName + "\"; expected INSERT, MODIFY or REMOVE");
    };
  }

  static void checkKeysPresent(@Nullable Map<String, DynamoValue> keys) {
    if (keys == null || keys.isEmpty()) {
      throw new DecodeException(
          DecodeException.MISSING_KEY,
          keys == null ? "dynamodb.Keys is missing" : "dynamodb.Keys is empty");
    }
  }

  /**
   * An INSERT cannot have an old image nor a REMOVE a new one; a MODIFY may carry either or both,
   * depending on the stream view type.
   */
  static void checkImages(
      Op op, @Nullable Map<String, DynamoValue> newImage, @Nullable Map<String, DynamoValue> old) {
    if (op == Op.INSERT && old != null) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, "an INSERT record has an OldImage; an insert has none");
    }
    if (op == Op.REMOVE && newImage != null) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, "a REMOVE record has a NewImage; a delete has none");
    }
  }

  static boolean ttlExpiry(Op op, @Nullable String identityType, @Nullable String principal) {
    return op == Op.REMOVE
        && TTL_IDENTITY_TYPE.equals(identityType)
        && TTL_PRINCIPAL.equals(principal);
  }

  /** An empty image holds nothing, not even keys, so it counts as absent. */
  static @Nullable Map<String, DynamoValue> presentOrNull(
      @Nullable Map<String, DynamoValue> image) {
    return image == null || image.isEmpty() ? null : image;
  }
}
