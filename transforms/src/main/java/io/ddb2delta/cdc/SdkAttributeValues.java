package io.ddb2delta.cdc;

import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.model.FrozenMap;
import io.ddb2delta.model.InvalidValueException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The one mapping between the AWS SDK v2's {@link AttributeValue} and the project's {@link
 * DynamoValue}, both ways.
 *
 * <p>Guarantees: all ten types map one to one (a set stays a set, NULL stays a value). SDK values
 * are checked by the model's own constructors ({@code DynamoValue.N.of}, {@code SS.of}, ...) and
 * the codecs' nesting limit, so they obey the same DynamoDB rules as exported JSON and Ion; any
 * fault is an {@link InvalidValueException} naming the attribute path, e.g. {@code attribute
 * "items[2].price": ...}. Attribute order is kept both ways. Inputs are never modified.
 */
public final class SdkAttributeValues {
  private SdkAttributeValues() {}

  /** An SDK item as DynamoDB values; the map is unmodifiable and keeps attribute order. */
  public static Map<String, DynamoValue> toItem(Map<String, AttributeValue> item) {
    try {
      return FrozenMap.copyOf(attributes(item, 0));
    } catch (Fault fault) {
      throw fault.toException();
    }
  }

  /** One SDK value as a DynamoDB value; paths in error messages are relative to it. */
  public static DynamoValue toValue(AttributeValue value) {
    try {
      return value(value, 0);
    } catch (Fault fault) {
      throw fault.toException();
    }
  }

  /** A DynamoDB item as SDK values, in the same attribute order. */
  public static Map<String, AttributeValue> toSdkItem(Map<String, DynamoValue> item) {
    Map<String, AttributeValue> out = new LinkedHashMap<>(item.size() * 2);
    for (Map.Entry<String, DynamoValue> e : item.entrySet()) {
      out.put(e.getKey(), toSdk(e.getValue()));
    }
    return out;
  }

  public static AttributeValue toSdk(DynamoValue value) {
    if (value instanceof DynamoValue.S s) {
      return AttributeValue.fromS(s.value());
    } else if (value instanceof DynamoValue.N n) {
      return AttributeValue.fromN(n.text());
    } else if (value instanceof DynamoValue.B b) {
      // bytes() is already a private copy, so the SDK may keep it without another.
      return AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(b.bytes()));
    } else if (value instanceof DynamoValue.Bool b) {
      return AttributeValue.fromBool(b.value());
    } else if (value instanceof DynamoValue.Null) {
      return AttributeValue.fromNul(true);
    } else if (value instanceof DynamoValue.M m) {
      return AttributeValue.fromM(toSdkItem(m.value()));
    } else if (value instanceof DynamoValue.L l) {
      List<AttributeValue> elements = new ArrayList<>(l.value().size());
      for (DynamoValue element : l.value()) {
        elements.add(toSdk(element));
      }
      return AttributeValue.fromL(elements);
    } else if (value instanceof DynamoValue.SS ss) {
      return AttributeValue.fromSs(List.copyOf(ss.value()));
    } else if (value instanceof DynamoValue.NS ns) {
      return AttributeValue.fromNs(ns.value().stream().map(DynamoValue.N::text).toList());
    } else if (value instanceof DynamoValue.BS bs) {
      return AttributeValue.fromBs(
          bs.value().stream().map(b -> SdkBytes.fromByteArrayUnsafe(b.bytes())).toList());
    }
    throw new IllegalArgumentException("unknown DynamoValue type " + value.getClass().getName());
  }

  /** The attributes of a map that {@code enclosing} M/L levels hold. */
  private static Map<String, DynamoValue> attributes(
      Map<String, AttributeValue> map, int enclosing) {
    Map<String, DynamoValue> out = new LinkedHashMap<>(map.size() * 2);
    for (Map.Entry<String, AttributeValue> e : map.entrySet()) {
      String name = e.getKey();
      try {
        out.put(name, value(e.getValue(), enclosing));
      } catch (InvalidValueException ex) {
        throw new Fault(name, ex);
      } catch (Fault fault) {
        throw fault.under(name);
      }
    }
    return out;
  }

  private static DynamoValue value(AttributeValue v, int enclosing) {
    if (v == null) {
      throw new InvalidValueException("the value is null");
    }
    AttributeValue.Type type = v.type();
    if (type == null) {
      throw new InvalidValueException(
          "the value has more than one type set; a DynamoDB value has exactly one");
    }
    return switch (type) {
      case S -> new DynamoValue.S(v.s());
      case N -> DynamoValue.N.of(v.n());
      case B -> DynamoValue.B.of(v.b().asByteArrayUnsafe());
      case BOOL -> DynamoValue.Bool.of(v.bool());
      case NUL -> {
        if (!v.nul()) {
          throw new InvalidValueException("NULL must be true; NUL(false) is not a DynamoDB value");
        }
        yield DynamoValue.Null.INSTANCE;
      }
      case M -> new DynamoValue.M(attributes(v.m(), nested(enclosing)));
      case L -> list(v.l(), nested(enclosing));
      case SS -> DynamoValue.SS.of(members(v.ss(), "SS"));
      case NS -> numberSet(v.ns());
      case BS -> binarySet(v.bs());
      case UNKNOWN_TO_SDK_VERSION ->
          throw new InvalidValueException(
              "the value has no type set; it needs one of S, N, B, BOOL, NUL, M, L, SS, NS, BS");
    };
  }

  private static DynamoValue.L list(List<AttributeValue> elements, int level) {
    List<DynamoValue> out = new ArrayList<>(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      try {
        out.add(value(elements.get(i), level));
      } catch (InvalidValueException ex) {
        throw new Fault(i, ex);
      } catch (Fault fault) {
        throw fault.under(i);
      }
    }
    return new DynamoValue.L(out);
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

  private static DynamoValue.NS numberSet(List<String> texts) {
    List<String> checked = members(texts, "NS");
    List<DynamoValue.N> members = new ArrayList<>(checked.size());
    for (String text : checked) {
      try {
        members.add(DynamoValue.N.of(text));
      } catch (InvalidValueException e) {
        throw new InvalidValueException("NS member " + members.size() + ": " + e.getMessage(), e);
      }
    }
    return DynamoValue.NS.of(members);
  }

  private static DynamoValue.BS binarySet(List<SdkBytes> bytes) {
    List<DynamoValue.B> members = new ArrayList<>(bytes.size());
    for (SdkBytes b : members(bytes, "BS")) {
      members.add(DynamoValue.B.of(b.asByteArrayUnsafe()));
    }
    return DynamoValue.BS.of(members);
  }

  /** SDK lists may hold nulls; DynamoDB sets cannot. */
  private static <T> List<T> members(List<T> members, String tag) {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i) == null) {
        throw new InvalidValueException(tag + " member " + i + " is null");
      }
    }
    return members;
  }

  /**
   * A fault with the path of the attribute that holds it, built on the way out so that valid values
   * cost nothing for it; immutable.
   */
  private static final class Fault extends RuntimeException {
    private final String path;
    private final String reason;

    private Fault(String path, String reason, Throwable cause) {
      super(path + ": " + reason, cause, false, false);
      this.path = path;
      this.reason = reason;
    }

    Fault(String name, InvalidValueException cause) {
      this(name, cause.getMessage(), cause);
    }

    Fault(int index, InvalidValueException cause) {
      this("[" + index + "]", cause.getMessage(), cause);
    }

    Fault under(String name) {
      return new Fault(path.startsWith("[") ? name + path : name + "." + path, reason, getCause());
    }

    Fault under(int index) {
      String joined = path.startsWith("[") ? "[" + index + "]" + path : "[" + index + "]." + path;
      return new Fault(joined, reason, getCause());
    }

    InvalidValueException toException() {
      return new InvalidValueException("attribute \"" + path + "\": " + reason, getCause());
    }
  }
}
