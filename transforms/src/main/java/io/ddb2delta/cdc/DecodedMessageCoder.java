package io.ddb2delta.cdc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * Codes a {@link DecodedMessage} as its message alone; read back, the payload is decoded again only
 * when its change is asked for ({@link DecodedMessage#readBack}). A decoded change is a tree of
 * DynamoDB values several times the payload's size, and the Spark runner codes an element in and
 * out several times between the decoder and the writer. Deterministic, since the message's coding
 * is.
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
    return DecodedMessage.readBack(ChangeMessageCoder.of().decode(inStream), decoder);
  }

  @Override
  public void verifyDeterministic() {}
}
