package io.ddb2delta.pipelines.cdc;

import io.ddb2delta.change.SourceKind;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/** A compact, deterministic coder for {@link ChangeMessage}. */
public final class ChangeMessageCoder extends AtomicCoder<ChangeMessage> {
  private static final ChangeMessageCoder INSTANCE = new ChangeMessageCoder();
  private static final SourceKind[] KINDS = SourceKind.values();

  private ChangeMessageCoder() {}

  public static ChangeMessageCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ChangeMessage m, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    out.writeByte(m.kind().ordinal());
    out.writeUTF(m.stream());
    out.writeUTF(m.shard());
    out.writeUTF(m.sequenceNumber());
    out.writeLong(m.arrivalMillis());
    out.writeLong(m.readMillis());
    out.writeInt(m.payload().length);
    out.write(m.payload());
    out.writeBoolean(m.readError() != null);
    if (m.readError() != null) {
      byte[] error = m.readError().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeInt(error.length);
      out.write(error);
    }
    out.flush();
  }

  @Override
  public ChangeMessage decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    int kind = in.readUnsignedByte();
    if (kind >= KINDS.length) {
      throw new CoderException("unknown source kind " + kind);
    }
    String stream = in.readUTF();
    String shard = in.readUTF();
    String sequence = in.readUTF();
    long arrival = in.readLong();
    long read = in.readLong();
    byte[] payload = new byte[in.readInt()];
    in.readFully(payload);
    String error = null;
    if (in.readBoolean()) {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      error = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
    return new ChangeMessage(KINDS[kind], stream, shard, sequence, arrival, read, payload, error);
  }

  @Override
  public void verifyDeterministic() {}
}
