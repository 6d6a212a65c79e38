package io.ddb2delta.cdc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.model.InvalidValueException;
import io.ddb2delta.model.RawItem;
import io.ddb2delta.tables.BronzeTable.RawImages;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Decodes the data blob of one record that Kinesis Data Streams for DynamoDB wrote into a change
 * envelope.
 *
 * <p>Guarantees: the envelope's event id, table, op, keys and images are the payload's {@code
 * eventID}, {@code tableName}, {@code eventName}, {@code dynamodb.Keys}, {@code NewImage} and
 * {@code OldImage} (an absent or empty image is null); its position is the carrying Kinesis record
 * (stream, shard, sequence number), which says where the record sits, not which version of the item
 * it holds. The bronze text of the keys and images, and the text silver cuts {@code _attributes}
 * from, are the payload's own text, byte for byte. Unknown fields are ignored.
 *
 * <p>{@code ApproximateCreationDateTime} becomes epoch microseconds exactly. Its unit is the
 * record's {@code dynamodb.ApproximateCreationDateTimePrecision} when present (AWS writes it for
 * MICROSECOND tables), otherwise the magnitude rule of {@link TimePrecision#MICROS_FROM}.
 *
 * <p>Every fault throws {@link DecodeException}: MALFORMED_JSON (not UTF-8 JSON), INVALID_SHAPE
 * (JSON, but not this record shape), MISSING_KEY (no keys, or not the mapping's keys),
 * INVALID_VALUE (an attribute DynamoDB would not store) or UNKNOWN_TABLE (see {@link #forTables}).
 * Messages say what is wrong; the caller adds the position and quarantines the record.
 */
public final class KinesisRecordDecoder implements Serializable {
  private static final String RECORD_FORMAT = "application/json";

  private final TableKeys tables;

  private KinesisRecordDecoder(TableKeys tables) {
    this.tables = tables;
  }

  /**
   * A decoder for exactly these tables, with their key attribute names: a record of any other table
   * throws UNKNOWN_TABLE, which the caller quarantines.
   */
  public static KinesisRecordDecoder forTables(Map<String, List<String>> keysByTable) {
    return new KinesisRecordDecoder(new TableKeys(keysByTable, true));
  }

  /**
   * A decoder for records of any table; the keys of the tables named here are checked, the others
   * are taken as given. Routing a record by its {@code tableName} is the caller's job.
   */
  public static KinesisRecordDecoder forAnyTable(Map<String, List<String>> keysByTable) {
    return new KinesisRecordDecoder(new TableKeys(keysByTable, false));
  }

  /**
   * Decodes one payload.
   *
   * @param payload the Kinesis record's data, UTF-8 JSON
   * @param streamName the Kinesis stream the record was read from
   * @param shardId the record's shard
   * @param sequenceNumber the record's sequence number in its shard
   */
  public DecodedChange decode(
      byte[] payload, String streamName, String shardId, String sequenceNumber) {
    return decode(
        payload, new SourcePosition(SourceKind.KINESIS, streamName, shardId, sequenceNumber));
  }

  /**
   * Decodes one payload in this shape from any change source; the DynamoDB Streams source writes
   * its records in it too.
   */
  public DecodedChange decode(byte[] payload, SourcePosition position) {
    Parts parts = parse(utf8(payload));

    if (!ChangeRules.EVENT_SOURCE.equals(parts.eventSource)) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE,
          parts.eventSource == null
              ? "record has no eventSource; a DynamoDB record has \"aws:dynamodb\""
              : "eventSource is \"" + parts.eventSource + "\", not \"aws:dynamodb\"");
    }
    if (parts.recordFormat != null && !RECORD_FORMAT.equals(parts.recordFormat)) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE,
          "recordFormat is \"" + parts.recordFormat + "\", not \"" + RECORD_FORMAT + "\"");
    }
    String eventId = required(parts.eventId, "eventID");
    String tableName = required(parts.tableName, "tableName");
    Op op = ChangeRules.op(parts.eventName);
    if (!parts.hasDynamodb) {
      throw new DecodeException(DecodeException.INVALID_SHAPE, "record has no \"dynamodb\" object");
    }
    if (parts.creationTime == null) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, "dynamodb.ApproximateCreationDateTime is missing");
    }
    TimePrecision precision =
        parts.precision != null
            ? TimePrecision.named(parts.precision)
            : TimePrecision.ofMagnitude(parts.creationTime);
    long eventTimeMicros = precision.toMicros(parts.creationTime);

    tables.checkTable(tableName);
    ChangeRules.checkKeysPresent(parts.keys);
    tables.checkKeys(tableName, parts.keys);
    Map<String, DynamoValue> newImage = ChangeRules.presentOrNull(parts.newImage);
    Map<String, DynamoValue> oldImage = ChangeRules.presentOrNull(parts.oldImage);
    ChangeRules.checkImages(op, newImage, oldImage);

    ChangeRecord record =
        new ChangeRecord(
            tableName, op, parts.keys, newImage, oldImage, eventTimeMicros, eventId, position);
    RawItem rawNew = newImage == null ? null : parts.rawNew;
    RawItem rawOld = oldImage == null ? null : parts.rawOld;
    RawImages raw =
        new RawImages(
            parts.rawKeys.json(),
            rawNew == null ? null : rawNew.json(),
            rawOld == null ? null : rawOld.json());
    boolean ttl = ChangeRules.ttlExpiry(op, parts.identityType, parts.identityPrincipal);
    return new DecodedChange(record, raw, rawNew != null ? rawNew : rawOld, ttl, parts.sizeBytes);
  }

  /** What one payload holds; filled while parsing, checked afterwards. */
  private static final class Parts {
    @Nullable String eventId;
    @Nullable String eventName;
    @Nullable String eventSource;
    @Nullable String recordFormat;
    @Nullable String tableName;
    @Nullable String identityType;
    @Nullable String identityPrincipal;
    boolean hasDynamodb;
    @Nullable BigDecimal creationTime;
    @Nullable String precision;
    @Nullable Long sizeBytes;
    @Nullable Map<String, DynamoValue> keys;
    @Nullable Map<String, DynamoValue> newImage;
    @Nullable Map<String, DynamoValue> oldImage;
    @Nullable RawItem rawKeys;
    @Nullable RawItem rawNew;
    @Nullable RawItem rawOld;
  }

  /** Strict UTF-8: a replacement character would silently change the data. */
  private static String utf8(byte[] payload) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload))
          .toString();
    } catch (CharacterCodingException e) {
      throw new DecodeException(
          DecodeException.MALFORMED_JSON, "payload is not valid UTF-8: " + e.getMessage(), e);
    }
  }

  private static Parts parse(String text) {
    Parts parts = new Parts();
    try (JsonParser p = DynamoJson.factory().createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new DecodeException(DecodeException.MALFORMED_JSON, "payload is empty");
      }
      if (first != JsonToken.START_OBJECT) {
        // Read it through, so that broken JSON is still reported as such.
        p.skipChildren();
        expectEnd(p);
        throw new DecodeException(
            DecodeException.INVALID_SHAPE, "payload is " + kind(first) + ", not a JSON object");
      }
      Set<String> seen = new HashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        once(seen, field, "");
        JsonToken t = p.nextToken();
        switch (field) {
          case "eventID" -> parts.eventId = string(p, t, field);
          case "eventName" -> parts.eventName = string(p, t, field);
          case "eventSource" -> parts.eventSource = string(p, t, field);
          case "recordFormat" -> parts.recordFormat = string(p, t, field);
          case "tableName" -> parts.tableName = string(p, t, field);
          case "userIdentity" -> userIdentity(p, t, parts);
          case "dynamodb" -> dynamodb(p, t, text, parts);
          default -> p.skipChildren();
        }
      }
      expectEnd(p);
    } catch (JsonProcessingException e) {
      throw new DecodeException(
          DecodeException.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DecodeException(DecodeException.MALFORMED_JSON, "malformed JSON: " + e, e);
    }
    return parts;
  }

  private static void dynamodb(JsonParser p, JsonToken t, String text, Parts parts)
      throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, "\"dynamodb\" is " + kind(t) + ", not a JSON object");
    }
    parts.hasDynamodb = true;
    Set<String> seen = new HashSet<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      once(seen, field, "dynamodb.");
      JsonToken v = p.nextToken();
      switch (field) {
        case "ApproximateCreationDateTime" -> parts.creationTime = number(p, v, field);
        case "ApproximateCreationDateTimePrecision" -> parts.precision = string(p, v, field);
        case "SizeBytes" -> parts.sizeBytes = sizeBytes(p, v);
        case "Keys" -> {
          parts.rawKeys = raw(p, v, text, field);
          if (parts.rawKeys != null) {
            parts.keys = item(p, parts.rawKeys, field);
          }
        }
        case "NewImage" -> {
          parts.rawNew = raw(p, v, text, field);
          if (parts.rawNew != null) {
            parts.newImage = item(p, parts.rawNew, field);
          }
        }
        case "OldImage" -> {
          parts.rawOld = raw(p, v, text, field);
          if (parts.rawOld != null) {
            parts.oldImage = item(p, parts.rawOld, field);
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  /** The span of an item that starts here, or null for JSON null (taken as absent). */
  private static @Nullable RawItem raw(JsonParser p, JsonToken t, String text, String field) {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE,
          "dynamodb." + field + " is " + kind(t) + ", not a JSON object");
    }
    return new RawItem(text, (int) p.currentTokenLocation().getCharOffset());
  }

  private static Map<String, DynamoValue> item(JsonParser p, RawItem raw, String field)
      throws IOException {
    Map<String, DynamoValue> item;
    try {
      item = DynamoJson.readItem(p, raw);
    } catch (InvalidValueException e) {
      throw new DecodeException(categoryOf(e), "dynamodb." + field + ": " + e.getMessage(), e);
    }
    raw.close((int) p.currentLocation().getCharOffset());
    return item;
  }

  /** A syntax error inside an item is malformed input; anything else is an invalid value. */
  private static String categoryOf(InvalidValueException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof JsonProcessingException) {
        return DecodeException.MALFORMED_JSON;
      }
    }
    return DecodeException.INVALID_VALUE;
  }

  private static void userIdentity(JsonParser p, JsonToken t, Parts parts) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, "userIdentity is " + kind(t) + ", not a JSON object");
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "type" -> parts.identityType = string(p, v, "userIdentity.type");
        case "principalId" -> parts.identityPrincipal = string(p, v, "userIdentity.principalId");
        default -> p.skipChildren();
      }
    }
  }

  /** A string field; JSON null reads as absent. */
  private static @Nullable String string(JsonParser p, JsonToken t, String field)
      throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, field + " is " + kind(t) + ", not a JSON string");
    }
    return p.getText();
  }

  /** The number exactly as written, decimal or not. */
  private static BigDecimal number(JsonParser p, JsonToken t, String field) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, "dynamodb." + field + " is " + kind(t) + ", not a number");
    }
    return new BigDecimal(p.getText());
  }

  private static @Nullable Long sizeBytes(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    BigDecimal size = number(p, t, "SizeBytes");
    try {
      long bytes = size.longValueExact();
      if (bytes >= 0) {
        return bytes;
      }
    } catch (ArithmeticException e) {
      // Reported below with the rest.
    }
    throw new DecodeException(
        DecodeException.INVALID_SHAPE,
        "dynamodb.SizeBytes is " + size + ", not a non-negative whole number");
  }

  private static String required(@Nullable String value, String field) {
    if (value == null || value.isEmpty()) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE,
          "record has " + (value == null ? "no " : "an empty ") + field);
    }
    return value;
  }

  /** A repeated field would let one copy silently win over the other. */
  private static void once(Set<String> seen, String field, String prefix) {
    if (!seen.add(field)) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, prefix + field + " appears more than once");
    }
  }

  private static void expectEnd(JsonParser p) throws IOException {
    if (p.nextToken() != null) {
      throw new DecodeException(
          DecodeException.MALFORMED_JSON, "unexpected content after the payload's JSON value");
    }
  }

  private static String kind(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "a JSON object";
      case START_ARRAY -> "a JSON array";
      case VALUE_STRING -> "a JSON string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a JSON number";
      case VALUE_TRUE, VALUE_FALSE -> "a JSON boolean";
      case VALUE_NULL -> "JSON null";
      default -> t.name();
    };
  }
}
