package io.ddb2delta.model;

import com.amazon.ion.IonException;
import com.amazon.ion.IonReader;
import com.amazon.ion.IonSystem;
import com.amazon.ion.IonType;
import com.amazon.ion.IonWriter;
import com.amazon.ion.system.IonSystemBuilder;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads and writes items in the ION export format: a string is S, a decimal or int is N, a blob is
 * B, a bool is BOOL, any Ion null is NULL, a struct is M, a list is L, and a list annotated {@code
 * $dynamodb_SS}, {@code $dynamodb_NS} or {@code $dynamodb_BS} is a set.
 *
 * <p>Guarantees: numbers are read and written as exact decimals, never through binary floating
 * point, so an Ion float is rejected rather than rounded; an unknown annotation, an Ion type with
 * no DynamoDB counterpart, and every fault that {@link DynamoJson} rejects is an {@link
 * InvalidValueException} naming the attribute path. Reading streams through the {@link IonReader}
 * without building an Ion DOM; after a fault the reader is stepped back out to the depth it started
 * at, so the caller can move on to the next value.
 */
public final class DynamoIon {
  static final String SS_ANNOTATION = "$dynamodb_SS";
  static final String NS_ANNOTATION = "$dynamodb_NS";
  static final String BS_ANNOTATION = "$dynamodb_BS";

  private static final IonSystem SYSTEM = IonSystemBuilder.standard().build();

  private DynamoIon() {}

  /** The shared Ion system; thread-safe. */
  public static IonSystem system() {
    return SYSTEM;
  }

  /**
   * Reads the struct the reader is positioned on ({@code reader.getType() == STRUCT}, not yet
   * stepped in). Returns after stepping out of it; the map is unmodifiable and keeps field order.
   */
  public static Map<String, DynamoValue> readItem(IonReader reader) {
    int depth = reader.getDepth();
    try {
      if (reader.getType() != IonType.STRUCT || reader.isNullValue()) {
        throw new InvalidValueException(
            "an item must be an Ion struct, found " + describe(reader.getType()));
      }
      return attributes(reader, 0);
    } catch (AttributeFault fault) {
      stepBackTo(reader, depth);
      throw fault.toException();
    } catch (IonException | IllegalArgumentException | IllegalStateException e) {
      stepBackTo(reader, depth);
      throw malformed(e);
    } catch (InvalidValueException e) {
      stepBackTo(reader, depth);
      throw e;
    }
  }

  /** Reads the reader's current value. Paths in error messages are relative to this value. */
  public static DynamoValue readValue(IonReader reader) {
    int depth = reader.getDepth();
    try {
      return value(reader, 0);
    } catch (AttributeFault fault) {
      stepBackTo(reader, depth);
      throw fault.toException();
    } catch (IonException | IllegalArgumentException | IllegalStateException e) {
      stepBackTo(reader, depth);
      throw malformed(e);
    } catch (InvalidValueException e) {
      stepBackTo(reader, depth);
      throw e;
    }
  }

  /** Writes the item as an Ion struct, in the map's order. */
  public static void writeItem(IonWriter writer, Map<String, DynamoValue> item) throws IOException {
    writer.stepIn(IonType.STRUCT);
    for (Map.Entry<String, DynamoValue> attribute : item.entrySet()) {
      writer.setFieldName(attribute.getKey());
      writeValue(writer, attribute.getValue());
    }
    writer.stepOut();
  }

  /** Writes one value: N as an Ion decimal holding exactly its value, B as a blob. */
  public static void writeValue(IonWriter writer, DynamoValue value) throws IOException {
    if (value instanceof DynamoValue.S s) {
      writer.writeString(s.value());
    } else if (value instanceof DynamoValue.N n) {
      writer.writeDecimal(n.decimal());
    } else if (value instanceof DynamoValue.M m) {
      writeItem(writer, m.value());
    } else if (value instanceof DynamoValue.L l) {
      writer.stepIn(IonType.LIST);
      for (DynamoValue element : l.value()) {
        writeValue(writer, element);
      }
      writer.stepOut();
    } else if (value instanceof DynamoValue.Bool b) {
      writer.writeBool(b.value());
    } else if (value instanceof DynamoValue.Null) {
      writer.writeNull();
    } else if (value instanceof DynamoValue.B b) {
      writer.writeBlob(b.bytes());
    } else if (value instanceof DynamoValue.SS ss) {
      writer.setTypeAnnotations(SS_ANNOTATION);
      writer.stepIn(IonType.LIST);
      for (String member : ss.value()) {
        writer.writeString(member);
      }
      writer.stepOut();
    } else if (value instanceof DynamoValue.NS ns) {
      writer.setTypeAnnotations(NS_ANNOTATION);
      writer.stepIn(IonType.LIST);
      for (DynamoValue.N member : ns.value()) {
        writer.writeDecimal(member.decimal());
      }
      writer.stepOut();
    } else if (value instanceof DynamoValue.BS bs) {
      writer.setTypeAnnotations(BS_ANNOTATION);
      writer.stepIn(IonType.LIST);
      for (DynamoValue.B member : bs.value()) {
        writer.writeBlob(member.bytes());
      }
      writer.stepOut();
    }
  }

  /** The fields of the struct the reader is on; {@code enclosing} M/L levels hold it. */
  private static Map<String, DynamoValue> attributes(IonReader reader, int enclosing) {
    LinkedHashMap<String, DynamoValue> attributes = new LinkedHashMap<>();
    reader.stepIn();
    while (true) {
      String name = null;
      DynamoValue value;
      try {
        if (reader.next() == null) {
          break;
        }
        name = reader.getFieldName();
        value = value(reader, enclosing);
      } catch (InvalidValueException e) {
        throw name == null ? e : AttributeFault.at(name, e);
      } catch (AttributeFault fault) {
        throw fault.under(name);
      } catch (IonException | IllegalArgumentException | IllegalStateException e) {
        throw name == null ? malformed(e) : AttributeFault.at(name, malformed(e));
      }
      if (attributes.put(name, value) != null) {
        throw AttributeFault.at(
            name, new InvalidValueException("the attribute name appears more than once"));
      }
    }
    reader.stepOut();
    return FrozenMap.adopt(attributes);
  }

  private static DynamoValue value(IonReader reader, int enclosing) {
    IonType type = reader.getType();
    String[] annotations = reader.getTypeAnnotations();
    if (annotations.length > 0) {
      return annotated(reader, type, annotations);
    }
    if (reader.isNullValue()) {
      return DynamoValue.Null.INSTANCE;
    }
    return switch (type) {
      case STRING -> new DynamoValue.S(reader.stringValue());
      case DECIMAL, INT -> number(reader);
      case BLOB -> DynamoValue.B.of(reader.newBytes());
      case BOOL -> DynamoValue.Bool.of(reader.booleanValue());
      case STRUCT -> new DynamoValue.M(attributes(reader, nested(enclosing)));
      case LIST -> list(reader, nested(enclosing));
      case FLOAT ->
          throw new InvalidValueException(
              "Ion float "
                  + reader.doubleValue()
                  + " is not a DynamoDB number; N must be an Ion decimal or int, since a float would"
                  + " lose digits");
      default -> throw new InvalidValueException("Ion " + describe(type) + " has no DynamoDB type");
    };
  }

  private static DynamoValue annotated(IonReader reader, IonType type, String[] annotations) {
    if (annotations.length > 1) {
      throw new InvalidValueException(
          "the value has several annotations "
              + String.join(", ", annotations)
              + "; only one of "
              + SS_ANNOTATION
              + ", "
              + NS_ANNOTATION
              + " or "
              + BS_ANNOTATION
              + " is allowed");
    }
    String annotation = annotations[0];
    boolean isSet =
        annotation.equals(SS_ANNOTATION)
            || annotation.equals(NS_ANNOTATION)
            || annotation.equals(BS_ANNOTATION);
    if (!isSet) {
      throw new InvalidValueException(
          "unknown annotation \""
              + annotation
              + "\"; only "
              + SS_ANNOTATION
              + ", "
              + NS_ANNOTATION
              + " and "
              + BS_ANNOTATION
              + " are allowed");
    }
    if (type != IonType.LIST || reader.isNullValue()) {
      throw new InvalidValueException(
          annotation + " must annotate a list, found " + describe(reader));
    }
    return switch (annotation) {
      case SS_ANNOTATION ->
          DynamoValue.SS.of(setMembers(reader, "SS", IonType.STRING, IonReader::stringValue));
      case NS_ANNOTATION ->
          DynamoValue.NS.of(setMembers(reader, "NS", IonType.DECIMAL, DynamoIon::number));
      default ->
          DynamoValue.BS.of(
              setMembers(
                  reader, "BS", IonType.BLOB, member -> DynamoValue.B.of(member.newBytes())));
    };
  }

  /** The members of a set's list, each of the set's Ion type (NS members may be ints, too). */
  private static <T> List<T> setMembers(
      IonReader reader, String tag, IonType memberType, Function<IonReader, T> decode) {
    List<T> members = new ArrayList<>();
    reader.stepIn();
    IonType type;
    while ((type = reader.next()) != null) {
      boolean integer = memberType == IonType.DECIMAL && type == IonType.INT;
      if ((type != memberType && !integer)
          || reader.isNullValue()
          || reader.getTypeAnnotations().length > 0) {
        throw new InvalidValueException(
            tag
                + " member "
                + members.size()
                + " must be an unannotated Ion "
                + describe(memberType)
                + ", found "
                + describe(reader));
      }
      try {
        members.add(decode.apply(reader));
      } catch (InvalidValueException e) {
        throw new InvalidValueException(
            tag + " member " + members.size() + ": " + e.getMessage(), e);
      }
    }
    reader.stepOut();
    return members;
  }

  private static DynamoValue.L list(IonReader reader, int level) {
    List<DynamoValue> elements = new ArrayList<>();
    reader.stepIn();
    int index = 0;
    while (true) {
      try {
        if (reader.next() == null) {
          break;
        }
        elements.add(value(reader, level));
      } catch (InvalidValueException e) {
        throw AttributeFault.at(index, e);
      } catch (AttributeFault fault) {
        throw fault.under(index);
      } catch (IonException | IllegalArgumentException | IllegalStateException e) {
        throw AttributeFault.at(index, malformed(e));
      }
      index++;
    }
    reader.stepOut();
    return new DynamoValue.L(elements);
  }

  /** An Ion decimal or int as an exact N; an int that fits a long skips BigDecimal parsing. */
  private static DynamoValue.N number(IonReader reader) {
    if (reader.getType() == IonType.DECIMAL) {
      return DynamoValue.N.of(reader.bigDecimalValue());
    }
    return switch (reader.getIntegerSize()) {
      case INT, LONG -> DynamoValue.N.of(reader.longValue());
      default -> DynamoValue.N.of(new BigDecimal(reader.bigIntegerValue()));
    };
  }

  private static int nested(int enclosing) {
    int level = enclosing + 1;
    if (level > DynamoJson.MAX_NESTING) {
      throw new InvalidValueException(
          "M and L values nest deeper than "
              + DynamoJson.MAX_NESTING
              + " levels, DynamoDB's limit");
    }
    return level;
  }

  /**
   * Leaves the reader at {@code depth} after a fault, if the input still allows it. Broken input
   * can leave ion-java unable to step out; it then throws, or fails one of its own {@code assert}s
   * when assertions are on. The caller sees the original fault either way.
   */
  private static void stepBackTo(IonReader reader, int depth) {
    try {
      while (reader.getDepth() > depth) {
        reader.stepOut();
      }
    } catch (RuntimeException | AssertionError e) {
      // Nothing to recover: the reader is unusable and the original fault says why.
    }
  }

  private static String describe(IonReader reader) {
    return reader.isNullValue() ? "an Ion null" : describe(reader.getType());
  }

  private static String describe(IonType type) {
    return type == null ? "the end of the container" : type.name().toLowerCase(Locale.ROOT);
  }

  // ion-java reports some broken input (a bad blob, say) as IllegalArgument/IllegalState.
  private static InvalidValueException malformed(RuntimeException e) {
    return new InvalidValueException("malformed Ion: " + e.getMessage(), e);
  }
}
