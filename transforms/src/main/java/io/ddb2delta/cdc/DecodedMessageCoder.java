package io.ddb2delta.cdc;

import io.ddb2delta.change.DecodeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * Codes a {@link DecodedMessage} as its message alone and decodes the payload again when read: a
 * decoded change is a tree of DynamoDB values several times the payload's size, and only a runner
 * that moves the element between machines (the Spark runner's grouping) reads it back at all.
 * Deterministic, since the message's coding is.
 */
public final class DecodedMessageCoder extends CustomCoder<DecodedMessage> {
  private final KinesisRecordDecoder decoder;

  private DecodedMessageCoder(KinesisRecordDecoder decoder) {
    this.decoder = decoder;
  }

  /** For the tables a run maps, as their decoder accepts them. */
  public static DecodedMessageCoder forTables(Map<String, List<String>> keysByTable) {
    return new DecodedMessageCoder(KinesisRecordDecoder.forTables(keysByTable));
  }

  @Override
  public void encode(DecodedMessage value, OutputStream outStream) throws IOException {
    ChangeMessageCoder.of().encode(value.message(), outStream);
  }

  @Override
  public DecodedMessage decode(InputStream inStream) throws IOException {
    ChangeMessage m = ChangeMessageCoder.of().decode(inStream);
    if (m.readError() != null) {
      return new DecodedMessage(m, null);
    }
    try {
      return new DecodedMessage(m, decoder.decode(m.payload(), m.position()));
    } catch (DecodeException e) {
      throw new CoderException(
          "a message that decoded before no longer does, at " + m.position() + ": " + e, e);
    }
  }

  @Override
  public void verifyDeterministic() {}
}
