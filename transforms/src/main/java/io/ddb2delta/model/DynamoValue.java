package io.ddb2delta.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One DynamoDB attribute value, exactly as DynamoDB defines it.
 *
 * <p>Guarantees: all ten types are distinct (a set is never a list, {@link Null} is a value and not
 * an absent attribute); numbers keep their decimal text and are validated against DynamoDB's
 * limits; binaries are held as bytes; sets are non-empty with unique members; every instance is
 * immutable and compares by value (sets and maps regardless of member order). Maps and sets keep
 * the order they were built in, so an encoder writes them back as it read them.
 */
public sealed interface DynamoValue {

  /** DynamoDB's type tag: S, N, B, BOOL, NULL, M, L, SS, NS or BS. */
  String tag();

  record S(String value) implements DynamoValue {
    public S {
      Objects.requireNonNull(value, "S value");
    }

    @Override
    public String tag() {
      return "S";
    }
  }

  /**
   * A number, kept as its text; {@link #decimal()} is the exact value. Short plain numbers, which
   * cannot break DynamoDB's limits, are validated by their characters alone and turned into a
   * BigDecimal only when asked: most numbers of an item are never typed, only carried as text.
   */
  final class N implements DynamoValue {
    private final String text;
    private BigDecimal decimal;

    private N(String text, BigDecimal decimal) {
      this.text = Objects.requireNonNull(text, "N text");
      this.decimal = decimal;
    }

    /**
     * Parses and validates a DynamoDB number; throws {@link InvalidValueException} if it is not
     * one.
     */
    public static N of(String text) {
      return new N(text, DynamoNumbers.parseIfNeeded(text));
    }

    public static N of(BigDecimal value) {
      DynamoNumbers.validate(value, value.toString());
      return new N(DynamoNumbers.canonicalText(value), value);
    }

    public static N of(long value) {
      return new N(Long.toString(value), BigDecimal.valueOf(value));
    }

    public String text() {
      return text;
    }

    /** The exact value. */
    public BigDecimal decimal() {
      BigDecimal d = decimal;
      if (d == null) {
        // Benign race: every thread computes the same value from the same text.
        d = DynamoNumbers.parse(text);
        decimal = d;
      }
      return d;
    }

    @Override
    public String tag() {
      return "N";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof N n && (text.equals(n.text) || decimal().compareTo(n.decimal()) == 0);
    }

    @Override
    public int hashCode() {
      return DynamoNumbers.normalize(decimal()).hashCode();
    }

    @Override
    public String toString() {
      return "N[" + text + "]";
    }
  }

  /** A binary value; the bytes are copied in and out, so the instance stays immutable. */
  final class B implements DynamoValue {
    private final byte[] bytes;

    private B(byte[] bytes) {
      this.bytes = bytes;
    }

    public static B of(byte[] bytes) {
      return new B(bytes.clone());
    }

    /** Decodes standard base64, as DynamoDB JSON carries it. */
    public static B ofBase64(String base64) {
      try {
        return new B(Base64.getDecoder().decode(base64));
      } catch (IllegalArgumentException e) {
        throw new InvalidValueException("invalid base64 in B value: " + e.getMessage());
      }
    }

    public byte[] bytes() {
      return bytes.clone();
    }

    public int length() {
      return bytes.length;
    }

    public String base64() {
      return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public String tag() {
      return "B";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof B b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "B[" + base64() + "]";
    }
  }

  record Bool(boolean value) implements DynamoValue {
    public static final Bool TRUE = new Bool(true);
    public static final Bool FALSE = new Bool(false);

    public static Bool of(boolean value) {
      return value ? TRUE : FALSE;
    }

    @Override
    public String tag() {
      return "BOOL";
    }
  }

  /** DynamoDB's NULL: an attribute that is present and null. */
  record Null() implements DynamoValue {
    public static final Null INSTANCE = new Null();

    @Override
    public String tag() {
      return "NULL";
    }
  }

  /** A map of attribute values; keeps the order it was built in. */
  record M(Map<String, DynamoValue> value) implements DynamoValue {
    public M {
      value = FrozenMap.copyOf(value);
    }

    @Override
    public String tag() {
      return "M";
    }
  }

  record L(List<DynamoValue> value) implements DynamoValue {
    public L {
      value = List.copyOf(value);
    }

    @Override
    public String tag() {
      return "L";
    }
  }

  /** A string set: non-empty, unique members, order kept but not significant. */
  record SS(Set<String> value) implements DynamoValue {
    public SS {
      value = uniqueMembers("SS", value);
    }

    public static SS of(List<String> members) {
      return new SS(DynamoValue.checkedSet("SS", members));
    }

    @Override
    public String tag() {
      return "SS";
    }
  }

  /** A number set: non-empty, unique by numeric value ("1" and "1.0" are the same member). */
  record NS(Set<N> value) implements DynamoValue {
    public NS {
      value = uniqueMembers("NS", value);
    }

    public static NS of(List<N> members) {
      return new NS(DynamoValue.checkedSet("NS", members));
    }

    @Override
    public String tag() {
      return "NS";
    }
  }

  /** A binary set: non-empty, unique members. */
  record BS(Set<B> value) implements DynamoValue {
    public BS {
      value = uniqueMembers("BS", value);
    }

    public static BS of(List<B> members) {
      return new BS(DynamoValue.checkedSet("BS", members));
    }

    @Override
    public String tag() {
      return "BS";
    }
  }

  private static <T> Set<T> uniqueMembers(String tag, Set<T> members) {
    if (members.isEmpty()) {
      throw new InvalidValueException(
          tag + " set is empty; DynamoDB sets have at least one member");
    }
    return Collections.unmodifiableSet(new LinkedHashSet<>(members));
  }

  /** Builds a set from decoded members, rejecting duplicates as DynamoDB does. */
  private static <T> Set<T> checkedSet(String tag, List<T> members) {
    Set<T> set = new LinkedHashSet<>(members.size() * 2);
    List<T> duplicates = new ArrayList<>();
    for (T member : members) {
      if (!set.add(member)) {
        duplicates.add(member);
      }
    }
    if (!duplicates.isEmpty()) {
      throw new InvalidValueException(
          tag + " set has duplicate members " + duplicates + "; DynamoDB set members are unique");
    }
    return set;
  }
}
