package io.ddb2delta.gold;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;

/** A compact, deterministic coding of {@link Contribution}: gold shuffles one per change. */
public final class ContributionCoder extends AtomicCoder<Contribution> {
  private static final ContributionCoder INSTANCE = new ContributionCoder();

  public static ContributionCoder of() {
    return INSTANCE;
  }

  private ContributionCoder() {}

  @Override
  public void encode(Contribution c, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeUTF(c.id());
    d.writeLong(c.eventMicros());
    d.writeUTF(c.sequence());
    int flags =
        (c.live() ? 1 : 0)
            | (c.amount() != null ? 2 : 0)
            | (c.customerId() != null ? 4 : 0)
            | (c.createdAtMicros() != null ? 8 : 0);
    d.writeByte(flags);
    if (c.amount() != null) {
      byte[] unscaled = c.amount().unscaledValue().toByteArray();
      d.writeByte(c.amount().scale());
      d.writeByte(unscaled.length);
      d.write(unscaled);
    }
    if (c.customerId() != null) {
      d.writeUTF(c.customerId());
    }
    if (c.createdAtMicros() != null) {
      d.writeLong(c.createdAtMicros());
    }
    d.flush();
  }

  @Override
  public Contribution decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    String id = d.readUTF();
    long eventMicros = d.readLong();
    String sequence = d.readUTF();
    int flags = d.readByte();
    BigDecimal amount = null;
    if ((flags & 2) != 0) {
      int scale = d.readByte();
      byte[] unscaled = new byte[d.readByte()];
      d.readFully(unscaled);
      amount = new BigDecimal(new BigInteger(unscaled), scale);
    }
    String customer = (flags & 4) != 0 ? d.readUTF() : null;
    Long created = (flags & 8) != 0 ? d.readLong() : null;
    return new Contribution(id, eventMicros, sequence, (flags & 1) != 0, amount, customer, created);
  }

  @Override
  public List<? extends Coder<?>> getCoderArguments() {
    return List.of();
  }

  @Override
  public void verifyDeterministic() {}
}
