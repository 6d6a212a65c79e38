package io.ddb2delta.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes DynamoDB JSON, the typed form {@code {"price":{"N":"12.5"}}} used by exports,
 * DynamoDB Streams and Kinesis records.
 *
 * <p>Guarantees: reading accepts exactly what DynamoDB would store, and every fault (malformed
 * JSON, an unknown or doubled type tag, a value of the wrong JSON kind, an empty or duplicated set,
 * bad base64, a number outside DynamoDB's limits, nesting past 32 levels) is an {@link
 * InvalidValueException} whose message names the attribute path, e.g. {@code attribute
 * "items[2].price": ...}. Attribute order is kept. Writing emits the same form, with each number as
 * its original text and binaries as standard base64, so a read followed by a write gives the input
 * back. Both directions stream through Jackson's parser and generator, without a tree model.
 */
public final class DynamoJson {
  /** DynamoDB allows M and L to nest 32 levels deep; every codec of the project applies it. */
  public static final int MAX_NESTING = 32;

  // Leaving the source out of parse locations keeps item contents out of error messages and logs.
  private static final JsonFactory FACTORY =
      JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

  private DynamoJson() {}

  /** The shared, configured factory; thread-safe. */
  public static JsonFactory factory() {
    return FACTORY;
  }

  /**
   * Reads an item object {@code {"attr":{"S":"x"},...}}; the parser's current token is its
   * START_OBJECT; returns with the current token at the matching END_OBJECT. The map is
   * unmodifiable and keeps attribute order.
   */
  public static Map<String, DynamoValue> readItem(JsonParser parser) throws IOException {
    return readItem(parser, null);
  }

  /** Told where each top-level attribute of an item sits in the text being parsed. */
  public interface MemberSpans {
    /**
     * @param start the character offset of the attribute's name (its opening quote)
     * @param end the character offset just past the attribute's value
     */
    void member(String name, int start, int end);
  }

  /**
   * As {@link #readItem(JsonParser)}, and also reports the text span of every top-level attribute,
   * so a caller can reuse the original text instead of encoding the values again. Offsets are only
   * meaningful for parsers over character input (a String or a Reader).
   */
  public static Map<String, DynamoValue> readItem(JsonParser parser, MemberSpans spans)
      throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new InvalidValueException(
          "an item must be a JSON object of typed values, found " + describe(parser));
    }
    try {
      return attributes(parser, 0, spans);
    } catch (AttributeFault fault) {
      throw fault.toException();
    } catch (JsonProcessingException e) {
      throw malformed(e);
    }
  }

  /**
   * Reads one typed value {@code {"T": v}}; current token is its START_OBJECT; returns at its
   * END_OBJECT. Paths in error messages are relative to this value.
   */
  public static DynamoValue readValue(JsonParser parser) throws IOException {
    try {
      return value(parser, 0);
    } catch (AttributeFault fault) {
      throw fault.toException();
    } catch (JsonProcessingException e) {
      throw malformed(e);
    }
  }

  /** Parses a string that holds exactly one item; any fault is an {@link InvalidValueException}. */
  public static Map<String, DynamoValue> parseItem(String json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      parser.nextToken();
      Map<String, DynamoValue> item = readItem(parser);
      if (parser.nextToken() != null) {
        throw new InvalidValueException("unexpected content after the item: " + describe(parser));
      }
      return item;
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String writeItem(Map<String, DynamoValue> item) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      writeItem(gen, item);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  public static void writeItem(JsonGenerator gen, Map<String, DynamoValue> item)
      throws IOException {
    gen.writeStartObject();
    for (Map.Entry<String, DynamoValue> attribute : item.entrySet()) {
      gen.writeFieldName(attribute.getKey());
      writeValue(gen, attribute.getValue());
    }
    gen.writeEndObject();
  }

  public static String writeValue(DynamoValue value) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      writeValue(gen, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  public static void writeValue(JsonGenerator gen, DynamoValue value) throws IOException {
    gen.writeStartObject();
    gen.writeFieldName(value.tag());
    if (value instanceof DynamoValue.S s) {
      gen.writeString(s.value());
    } else if (value instanceof DynamoValue.N n) {
      gen.writeString(n.text());
    } else if (value instanceof DynamoValue.M m) {
      writeItem(gen, m.value());
    } else if (value instanceof DynamoValue.L l) {
      gen.writeStartArray();
      for (DynamoValue element : l.value()) {
        writeValue(gen, element);
      }
      gen.writeEndArray();
    } else if (value instanceof DynamoValue.Bool b) {
      gen.writeBoolean(b.value());
    } else if (value instanceof DynamoValue.Null) {
      gen.writeBoolean(true);
    } else if (value instanceof DynamoValue.B b) {
      gen.writeString(b.base64());
    } else if (value instanceof DynamoValue.SS ss) {
      gen.writeStartArray();
      for (String member : ss.value()) {
        gen.writeString(member);
      }
      gen.writeEndArray();
    } else if (value instanceof DynamoValue.NS ns) {
      gen.writeStartArray();
      for (DynamoValue.N member : ns.value()) {
        gen.writeString(member.text());
      }
      gen.writeEndArray();
    } else if (value instanceof DynamoValue.BS bs) {
      gen.writeStartArray();
      for (DynamoValue.B member : bs.value()) {
        gen.writeString(member.base64());
      }
      gen.writeEndArray();
    }
    gen.writeEndObject();
  }

  /**
   * The attributes of a map whose START_OBJECT is current; {@code enclosing} M/L levels hold it.
   */
  private static Map<String, DynamoValue> attributes(
      JsonParser parser, int enclosing, MemberSpans spans) throws IOException {
    // Items average a dozen or more attributes; nested maps are usually small.
    LinkedHashMap<String, DynamoValue> attributes = new LinkedHashMap<>(enclosing == 0 ? 48 : 8);
    String name;
    while ((name = parser.nextFieldName()) != null) {
      int start = spans == null ? 0 : (int) parser.currentTokenLocation().getCharOffset();
      DynamoValue value;
      try {
        parser.nextToken();
        value = value(parser, enclosing);
      } catch (InvalidValueException e) {
        throw AttributeFault.at(name, e);
      } catch (AttributeFault fault) {
        throw fault.under(name);
      } catch (JsonProcessingException e) {
        throw AttributeFault.at(name, malformed(e));
      }
      if (attributes.put(name, value) != null) {
        throw AttributeFault.at(
            name, new InvalidValueException("the attribute name appears more than once"));
      }
      if (spans != null) {
        spans.member(name, start, (int) parser.currentLocation().getCharOffset());
      }
    }
    if (parser.currentToken() != JsonToken.END_OBJECT) {
      throw new InvalidValueException(
          "expected an attribute name or the end of the map, found " + describe(parser));
    }
    return FrozenMap.adopt(attributes);
  }

  private static DynamoValue value(JsonParser parser, int enclosing) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new InvalidValueException(
          "expected a typed value object like {\"S\":\"x\"}, found " + describe(parser));
    }
    String tag = parser.nextFieldName();
    if (tag == null) {
      throw new InvalidValueException(
          "the value object is empty; it needs exactly one type tag such as {\"S\":\"x\"}");
    }
    JsonToken token = parser.nextToken();
    DynamoValue value =
        switch (tag) {
          case "S" -> new DynamoValue.S(string(parser, token, "S"));
          case "N" -> number(parser, token, "N");
          case "B" -> DynamoValue.B.ofBase64(string(parser, token, "B"));
          case "BOOL" -> DynamoValue.Bool.of(bool(parser, token, "BOOL"));
          case "NULL" -> nullValue(parser, token);
          case "M" -> map(parser, token, enclosing);
          case "L" -> list(parser, token, enclosing);
          case "SS" -> stringSet(parser, token);
          case "NS" -> numberSet(parser, token);
          case "BS" -> binarySet(parser, token);
          default ->
              throw new InvalidValueException(
                  "unknown type tag \""
                      + tag
                      + "\"; DynamoDB's tags are S, N, B, BOOL, NULL, M, L, SS, NS and BS");
        };
    String extra = parser.nextFieldName();
    if (extra != null) {
      throw new InvalidValueException(
          "the value object has more than one type tag (\""
              + tag
              + "\" and \""
              + extra
              + "\"); it needs exactly one");
    }
    return value;
  }

  private static DynamoValue.M map(JsonParser parser, JsonToken token, int enclosing)
      throws IOException {
    expect(parser, token, JsonToken.START_OBJECT, "M", "a JSON object");
    return new DynamoValue.M(attributes(parser, nested(enclosing), null));
  }

  private static DynamoValue.L list(JsonParser parser, JsonToken token, int enclosing)
      throws IOException {
    expect(parser, token, JsonToken.START_ARRAY, "L", "a JSON array");
    int level = nested(enclosing);
    List<DynamoValue> elements = new ArrayList<>();
    int index = 0;
    while (true) {
      try {
        if (parser.nextToken() == JsonToken.END_ARRAY) {
          break;
        }
        elements.add(value(parser, level));
      } catch (InvalidValueException e) {
        throw AttributeFault.at(index, e);
      } catch (AttributeFault fault) {
        throw fault.under(index);
      } catch (JsonProcessingException e) {
        throw AttributeFault.at(index, malformed(e));
      }
      index++;
    }
    return new DynamoValue.L(elements);
  }

  private static int nested(int enclosing) {
    int level = enclosing + 1;
    if (level > MAX_NESTING) {
      throw new InvalidValueException(
          "M and L values nest deeper than " + MAX_NESTING + " levels, DynamoDB's limit");
    }
    return level;
  }

  private static DynamoValue.SS stringSet(JsonParser parser, JsonToken token) throws IOException {
    expect(parser, token, JsonToken.START_ARRAY, "SS", "a JSON array");
    List<String> members = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      members.add(string(parser, parser.currentToken(), "SS member"));
    }
    return DynamoValue.SS.of(members);
  }

  private static DynamoValue.NS numberSet(JsonParser parser, JsonToken token) throws IOException {
    expect(parser, token, JsonToken.START_ARRAY, "NS", "a JSON array");
    List<DynamoValue.N> members = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      try {
        members.add(number(parser, parser.currentToken(), "NS member"));
      } catch (InvalidValueException e) {
        throw new InvalidValueException("NS member " + members.size() + ": " + e.getMessage(), e);
      }
    }
    return DynamoValue.NS.of(members);
  }

  private static DynamoValue.BS binarySet(JsonParser parser, JsonToken token) throws IOException {
    expect(parser, token, JsonToken.START_ARRAY, "BS", "a JSON array");
    List<DynamoValue.B> members = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      String base64 = string(parser, parser.currentToken(), "BS member");
      try {
        members.add(DynamoValue.B.ofBase64(base64));
      } catch (InvalidValueException e) {
        throw new InvalidValueException("BS member " + members.size() + ": " + e.getMessage(), e);
      }
    }
    return DynamoValue.BS.of(members);
  }

  private static DynamoValue.Null nullValue(JsonParser parser, JsonToken token) {
    if (token == JsonToken.VALUE_TRUE) {
      return DynamoValue.Null.INSTANCE;
    }
    if (token == JsonToken.VALUE_FALSE) {
      throw new InvalidValueException(
          "NULL must be true; {\"NULL\":false} is not a DynamoDB value");
    }
    throw wrongKind(parser, "NULL", "true");
  }

  private static String string(JsonParser parser, JsonToken token, String what) throws IOException {
    expect(parser, token, JsonToken.VALUE_STRING, what, "a JSON string");
    return parser.getText();
  }

  /** A number from its text; a JSON number is accepted too, keeping the text it was written as. */
  private static DynamoValue.N number(JsonParser parser, JsonToken token, String what)
      throws IOException {
    if (token == JsonToken.VALUE_STRING
        || token == JsonToken.VALUE_NUMBER_INT
        || token == JsonToken.VALUE_NUMBER_FLOAT) {
      return DynamoValue.N.of(parser.getText());
    }
    throw wrongKind(parser, what, "a JSON string holding a number");
  }

  private static boolean bool(JsonParser parser, JsonToken token, String what) {
    if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      return token == JsonToken.VALUE_TRUE;
    }
    throw wrongKind(parser, what, "true or false");
  }

  private static void expect(
      JsonParser parser, JsonToken actual, JsonToken expected, String what, String kind) {
    if (actual != expected) {
      throw wrongKind(parser, what, kind);
    }
  }

  private static InvalidValueException wrongKind(JsonParser parser, String what, String kind) {
    return new InvalidValueException(
        what + " value must be " + kind + ", found " + describe(parser));
  }

  private static String describe(JsonParser parser) {
    JsonToken token = parser.currentToken();
    if (token == null) {
      return "the end of the input";
    }
    return switch (token) {
      case START_OBJECT -> "a JSON object";
      case END_OBJECT -> "the end of an object";
      case START_ARRAY -> "a JSON array";
      case END_ARRAY -> "the end of an array";
      case FIELD_NAME -> "another field";
      case VALUE_STRING -> "a JSON string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a JSON number";
      case VALUE_TRUE, VALUE_FALSE -> "a JSON boolean";
      case VALUE_NULL -> "JSON null";
      default -> token.name();
    };
  }

  private static InvalidValueException malformed(JsonProcessingException e) {
    JsonLocation where = e.getLocation();
    String position =
        where == null
            ? ""
            : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    return new InvalidValueException("malformed JSON: " + e.getOriginalMessage() + position, e);
  }
}
