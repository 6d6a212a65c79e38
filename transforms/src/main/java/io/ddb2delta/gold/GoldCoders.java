package io.ddb2delta.gold;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Deterministic codings of gold keys and rows. A value is one tagged field: null, string, long,
 * int, decimal or double, the types gold tables hold.
 */
final class GoldCoders {
  private GoldCoders() {}

  /** Codes a {@link GoldKey}; deterministic, so it can key state and groups. */
  static final class KeyCoder extends AtomicCoder<GoldKey> {
    static final KeyCoder INSTANCE = new KeyCoder();

    @Override
    public void encode(GoldKey key, OutputStream out) throws IOException {
      DataOutputStream d = new DataOutputStream(out);
      d.writeUTF(key.table());
      writeValues(d, key.values().toArray());
      d.flush();
    }

    @Override
    public GoldKey decode(InputStream in) throws IOException {
      DataInputStream d = new DataInputStream(in);
      String table = d.readUTF();
      return new GoldKey(table, List.of(readValues(d)));
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** Codes a {@link GoldRow}. */
  static final class RowCoder extends AtomicCoder<GoldRow> {
    static final RowCoder INSTANCE = new RowCoder();

    @Override
    public void encode(GoldRow row, OutputStream out) throws IOException {
      DataOutputStream d = new DataOutputStream(out);
      KeyCoder.INSTANCE.encode(row.key(), d);
      d.writeLong(row.version());
      d.writeBoolean(row.row() != null);
      if (row.row() != null) {
        writeValues(d, row.row());
      }
      d.flush();
    }

    @Override
    public GoldRow decode(InputStream in) throws IOException {
      DataInputStream d = new DataInputStream(in);
      GoldKey key = KeyCoder.INSTANCE.decode(d);
      long version = d.readLong();
      Object[] row = d.readBoolean() ? readValues(d) : null;
      return new GoldRow(key, row, version);
    }
  }

  static void writeValues(DataOutputStream d, @Nullable Object[] values) throws IOException {
    d.writeShort(values.length);
    for (Object v : values) {
      if (v == null) {
        d.writeByte(0);
      } else if (v instanceof String s) {
        d.writeByte(1);
        d.writeUTF(s);
      } else if (v instanceof Long l) {
        d.writeByte(2);
        d.writeLong(l);
      } else if (v instanceof Integer i) {
        d.writeByte(3);
        d.writeInt(i);
      } else if (v instanceof BigDecimal b) {
        byte[] unscaled = b.unscaledValue().toByteArray();
        d.writeByte(4);
        d.writeInt(b.scale());
        d.writeShort(unscaled.length);
        d.write(unscaled);
      } else if (v instanceof Double x) {
        d.writeByte(5);
        d.writeDouble(x);
      } else {
        throw new CoderException("a gold value cannot be a " + v.getClass().getName());
      }
    }
  }

  static Object[] readValues(DataInputStream d) throws IOException {
    int n = d.readShort();
    List<Object> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int tag = d.readByte();
      values.add(
          switch (tag) {
            case 0 -> null;
            case 1 -> d.readUTF();
            case 2 -> d.readLong();
            case 3 -> d.readInt();
            case 4 -> {
              int scale = d.readInt();
              byte[] unscaled = new byte[d.readShort()];
              d.readFully(unscaled);
              yield new BigDecimal(new BigInteger(unscaled), scale);
            }
            case 5 -> d.readDouble();
            default -> throw new CoderException("unknown gold value tag " + tag);
          });
    }
    return values.toArray();
  }
}
