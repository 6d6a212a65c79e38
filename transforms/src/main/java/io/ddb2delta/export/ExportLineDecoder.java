package io.ddb2delta.export;

import com.amazon.ion.IonException;
import com.amazon.ion.IonReader;
import com.amazon.ion.IonType;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.model.DynamoIon;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.model.InvalidValueException;
import io.ddb2delta.model.RawItem;
import io.ddb2delta.tables.BronzeTable.RawImages;
import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Decodes one line of an export data file into a change envelope.
 *
 * <p>Handles both formats and both export types: a full export line ({@code {"Item":{...}}}) is a
 * {@link Op#SNAPSHOT} at the export time; an incremental line ({@code
 * {"Metadata":...,"Keys":...,"OldImage":...,"NewImage":...}}) is an INSERT, MODIFY or REMOVE at its
 * write time. For DynamoDB JSON it keeps the images' original text, so bronze stores them as read.
 * Every fault throws {@link DecodeException} with a category and a reason.
 */
public final class ExportLineDecoder implements Serializable {
  private static final String ION_VERSION_MARKER = "$ion_1_0";

  private final ExportManifest manifest;
  private final List<String> keyAttributes;

  public ExportLineDecoder(ExportManifest manifest, List<String> keyAttributes) {
    this.manifest = manifest;
    this.keyAttributes = List.copyOf(keyAttributes);
  }

  public DecodedChange decode(String line, String dataFileKey, long lineNumber) {
    SourcePosition position =
        SourcePosition.exportLine(manifest.exportId(), dataFileKey, lineNumber);
    Parts parts;
    try {
      parts = manifest.format() == ExportFormat.ION ? ionParts(line) : jsonParts(line);
    } catch (InvalidValueException e) {
      throw new DecodeException(categoryOf(e), e.getMessage(), e);
    }
    Op op;
    Map<String, DynamoValue> keys;
    long eventTime;
    if (manifest.incremental()) {
      if (parts.keys == null) {
        throw new DecodeException(
            DecodeException.INVALID_SHAPE, "incremental export line has no \"Keys\"");
      }
      keys = parts.keys;
      checkKeys(keys, "Keys");
      op = parts.newImage == null ? Op.REMOVE : parts.oldImage == null ? Op.INSERT : Op.MODIFY;
      eventTime =
          parts.writeTimeMicros != null ? parts.writeTimeMicros : manifest.exportTimeMicros();
    } else {
      if (parts.newImage == null) {
        throw new DecodeException(DecodeException.INVALID_SHAPE, "export line has no \"Item\"");
      }
      keys = keysOf(parts.newImage);
      op = Op.SNAPSHOT;
      eventTime = manifest.exportTimeMicros();
    }
    String eventId = manifest.exportId() + ":" + dataFileKey + ":" + lineNumber;
    ChangeRecord record =
        new ChangeRecord(
            manifest.tableName(),
            op,
            keys,
            parts.newImage,
            parts.oldImage,
            eventTime,
            eventId,
            position);
    RawItem image = parts.rawNew != null ? parts.rawNew : parts.rawOld;
    String rawKeys =
        parts.rawKeys != null
            ? parts.rawKeys.json()
            : parts.rawNew != null ? parts.rawNew.select(keyAttributes) : null;
    RawImages raw =
        new RawImages(
            rawKeys != null ? rawKeys : DynamoJson.writeItem(keys),
            parts.rawNew != null
                ? parts.rawNew.json()
                : parts.newImage == null ? null : DynamoJson.writeItem(parts.newImage),
            parts.rawOld != null
                ? parts.rawOld.json()
                : parts.oldImage == null ? null : DynamoJson.writeItem(parts.oldImage));
    return new DecodedChange(record, raw, image, false, null);
  }

  /** A syntax error inside an item is malformed input; anything else is an invalid value. */
  private static String categoryOf(InvalidValueException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
        return DecodeException.MALFORMED_JSON;
      }
      if (t instanceof IonException) {
        return DecodeException.MALFORMED_ION;
      }
    }
    return DecodeException.INVALID_VALUE;
  }

  private Map<String, DynamoValue> keysOf(Map<String, DynamoValue> item) {
    Map<String, DynamoValue> keys = new LinkedHashMap<>(4);
    for (String name : keyAttributes) {
      DynamoValue v = item.get(name);
      if (v == null) {
        throw new DecodeException(
            DecodeException.MISSING_KEY,
            "item has no key attribute \""
                + name
                + "\" (the table's keys are "
                + keyAttributes
                + ")");
      }
      keys.put(name, v);
    }
    return keys;
  }

  private void checkKeys(Map<String, DynamoValue> keys, String where) {
    for (String name : keyAttributes) {
      if (!keys.containsKey(name)) {
        throw new DecodeException(
            DecodeException.MISSING_KEY,
            where
                + " has no key attribute \""
                + name
                + "\" (the table's keys are "
                + keyAttributes
                + ")");
      }
    }
  }

  /** What one line holds, whichever its format. */
  private static final class Parts {
    @Nullable Map<String, DynamoValue> keys;
    @Nullable Map<String, DynamoValue> newImage;
    @Nullable Map<String, DynamoValue> oldImage;
    @Nullable Long writeTimeMicros;
    @Nullable RawItem rawKeys;
    @Nullable RawItem rawNew;
    @Nullable RawItem rawOld;
  }

  private static Parts jsonParts(String line) {
    Parts parts = new Parts();
    try (JsonParser p = DynamoJson.factory().createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DecodeException(DecodeException.MALFORMED_JSON, "line is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "Item", "NewImage" -> {
            parts.rawNew = new RawItem(line, startOf(p, t, field));
            parts.newImage = DynamoJson.readItem(p, parts.rawNew);
            parts.rawNew.close(endOf(p));
          }
          case "OldImage" -> {
            parts.rawOld = new RawItem(line, startOf(p, t, field));
            parts.oldImage = DynamoJson.readItem(p, parts.rawOld);
            parts.rawOld.close(endOf(p));
          }
          case "Keys" -> {
            parts.rawKeys = new RawItem(line, startOf(p, t, field));
            parts.keys = DynamoJson.readItem(p, parts.rawKeys);
            parts.rawKeys.close(endOf(p));
          }
          case "Metadata" -> parts.writeTimeMicros = writeTime(DynamoJson.readItem(p));
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new DecodeException(
            DecodeException.MALFORMED_JSON, "unexpected content after the line's JSON object");
      }
    } catch (JsonParseException e) {
      throw new DecodeException(
          DecodeException.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DecodeException(DecodeException.MALFORMED_JSON, "malformed JSON: " + e, e);
    }
    return parts;
  }

  private static int startOf(JsonParser p, JsonToken t, String field) {
    if (t != JsonToken.START_OBJECT) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, "\"" + field + "\" is not a JSON object");
    }
    return (int) p.currentTokenLocation().getCharOffset();
  }

  private static int endOf(JsonParser p) {
    return (int) p.currentLocation().getCharOffset();
  }

  private static @Nullable Long writeTime(Map<String, DynamoValue> metadata) {
    DynamoValue v = metadata.get("WriteTimestampMicros");
    if (v instanceof DynamoValue.N n) {
      return n.decimal().longValue();
    }
    return null;
  }

  private static Parts ionParts(String line) {
    String text = line.strip();
    if (text.startsWith(ION_VERSION_MARKER)) {
      text = text.substring(ION_VERSION_MARKER.length());
    }
    Parts parts = new Parts();
    try (IonReader r = DynamoIon.system().newReader(text)) {
      if (r.next() != IonType.STRUCT) {
        throw new DecodeException(DecodeException.MALFORMED_ION, "line is not an Ion struct");
      }
      r.stepIn();
      for (IonType t = r.next(); t != null; t = r.next()) {
        String field = r.getFieldName();
        switch (field) {
          case "Item", "NewImage" -> parts.newImage = ionItem(r, t, field);
          case "OldImage" -> parts.oldImage = ionItem(r, t, field);
          case "Keys" -> parts.keys = ionItem(r, t, field);
          case "Metadata" -> parts.writeTimeMicros = writeTime(ionItem(r, t, field));
          default -> {}
        }
      }
      r.stepOut();
      if (r.next() != null) {
        throw new DecodeException(
            DecodeException.MALFORMED_ION, "unexpected content after the line's Ion struct");
      }
    } catch (IonException e) {
      throw new DecodeException(
          DecodeException.MALFORMED_ION, "malformed Ion: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new DecodeException(DecodeException.MALFORMED_ION, "malformed Ion: " + e, e);
    }
    return parts;
  }

  private static Map<String, DynamoValue> ionItem(IonReader r, IonType t, String field) {
    if (t != IonType.STRUCT) {
      throw new DecodeException(DecodeException.INVALID_SHAPE, field + " is not an Ion struct");
    }
    return DynamoIon.readItem(r);
  }
}
