package io.ddb2delta.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A short digest of a DynamoDB item, the same for equal items however they were written.
 *
 * <p>Guarantees: 16 lowercase hex digits (the first 64 bits of a SHA-256); attribute order, set
 * member order and number spelling ({@code 1}, {@code 1.0}, {@code 1E0}) do not change it; the type
 * of each value does. Stable across runs and JVMs, so it may be stored.
 */
public final class ItemDigest {
  private ItemDigest() {}

  public static String of(Map<String, DynamoValue> item) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    item(sha, item);
    return HexFormat.of().formatHex(sha.digest(), 0, 8);
  }

  private static void item(MessageDigest sha, Map<String, DynamoValue> item) {
    List<String> names = new ArrayList<>(item.keySet());
    names.sort(null);
    count(sha, 'M', names.size());
    for (String name : names) {
      text(sha, name);
      value(sha, item.get(name));
    }
  }

  private static void value(MessageDigest sha, DynamoValue v) {
    if (v instanceof DynamoValue.S s) {
      sha.update((byte) 'S');
      text(sha, s.value());
    } else if (v instanceof DynamoValue.N n) {
      sha.update((byte) 'N');
      text(sha, number(n));
    } else if (v instanceof DynamoValue.B b) {
      byte[] bytes = b.bytes();
      count(sha, 'B', bytes.length);
      sha.update(bytes);
    } else if (v instanceof DynamoValue.Bool b) {
      sha.update((byte) (b.value() ? 'T' : 'F'));
    } else if (v instanceof DynamoValue.Null) {
      sha.update((byte) '0');
    } else if (v instanceof DynamoValue.M m) {
      item(sha, m.value());
    } else if (v instanceof DynamoValue.L l) {
      count(sha, 'L', l.value().size());
      l.value().forEach(e -> value(sha, e));
    } else if (v instanceof DynamoValue.SS ss) {
      members(sha, 's', new ArrayList<>(ss.value()));
    } else if (v instanceof DynamoValue.NS ns) {
      List<String> members = new ArrayList<>();
      ns.value().forEach(n -> members.add(number(n)));
      members(sha, 'n', members);
    } else if (v instanceof DynamoValue.BS bs) {
      List<String> members = new ArrayList<>();
      bs.value().forEach(b -> members.add(b.base64()));
      members(sha, 'b', members);
    } else {
      throw new IllegalArgumentException("not a DynamoDB value: " + v);
    }
  }

  private static String number(DynamoValue.N n) {
    return DynamoNumbers.canonicalText(n.decimal());
  }

  private static void members(MessageDigest sha, char tag, List<String> members) {
    members.sort(null);
    count(sha, tag, members.size());
    members.forEach(m -> text(sha, m));
  }

  private static void count(MessageDigest sha, char tag, int n) {
    sha.update((byte) tag);
    sha.update(ByteBuffer.allocate(4).putInt(n).array());
  }

  private static void text(MessageDigest sha, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    sha.update(bytes);
  }
}
