package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.SourceKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class ChangeMessageCoderTest {
  private static final ChangeMessage KINESIS =
      new ChangeMessage(
          SourceKind.KINESIS,
          "ddb2delta-orders",
          "shardId-000000000003",
          "49590338271490256608559692538361571095921575989136588898",
          1_700_000_000_123L,
          1_700_000_000_456L,
          "{\"eventName\":\"INSERT\"}".getBytes(StandardCharsets.UTF_8),
          null);

  private static final ChangeMessage UNREADABLE =
      new ChangeMessage(
          SourceKind.DYNAMODB_STREAMS,
          "arn:aws:dynamodb:eu-west-1:123456789012:table/Bestellungen-äöü/stream/2026-12-02T00:00:00.000",
          "shardId-00000001700000000000-0a1b2c3d",
          "100",
          0,
          -1,
          new byte[] {(byte) 0xff, 0, 1},
          "INVALID_SHAPE: not JSON — ünïcödé");

  @Test
  void messagesSurviveARoundTripWithAndWithoutAReadError() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(ChangeMessageCoder.of(), KINESIS);
    CoderProperties.coderDecodeEncodeEqual(ChangeMessageCoder.of(), UNREADABLE);
    ChangeMessage back = roundTrip(UNREADABLE);
    assertThat(back.readError()).isEqualTo("INVALID_SHAPE: not JSON — ünïcödé");
    assertThat(back.payload()).containsExactly((byte) 0xff, 0, 1);
    assertThat(roundTrip(KINESIS).readError()).isNull();
  }

  @Test
  void messagesWrittenOneAfterAnotherAreReadBackInOrder() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChangeMessageCoder.of().encode(KINESIS, out);
    ChangeMessageCoder.of().encode(UNREADABLE, out);
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

    assertThat(ChangeMessageCoder.of().decode(in)).isEqualTo(KINESIS);
    assertThat(ChangeMessageCoder.of().decode(in)).isEqualTo(UNREADABLE);
    assertThat(in.available()).isZero();
  }

  @Test
  void aCutShortEncodingIsRefused() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChangeMessageCoder.of().encode(KINESIS, out);
    byte[] whole = out.toByteArray();
    byte[] cut = Arrays.copyOf(whole, whole.length - 10);

    assertThatThrownBy(() -> ChangeMessageCoder.of().decode(new ByteArrayInputStream(cut)))
        .isInstanceOf(IOException.class);
    // A length field that lies about what follows is refused too, not read past.
    byte[] lying = whole.clone();
    lying[4 + 1 + 3] = 127;
    assertThatThrownBy(() -> ChangeMessageCoder.of().decode(new ByteArrayInputStream(lying)))
        .isInstanceOf(CoderException.class);
  }

  private static ChangeMessage roundTrip(ChangeMessage m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChangeMessageCoder.of().encode(m, out);
    return ChangeMessageCoder.of().decode(new ByteArrayInputStream(out.toByteArray()));
  }
}
