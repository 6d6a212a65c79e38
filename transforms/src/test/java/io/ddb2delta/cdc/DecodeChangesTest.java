package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.SourceKind;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.DeltaTargets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@link DecodeChanges} on the DirectRunner with its immutability and encodability checks on: every
 * message comes out once, decoded or as a dead letter naming its position and the reason.
 */
public class DecodeChangesTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Map<String, List<String>> KEYS =
      new DeltaTargets("unused", TableMapping.shipped("orders")).keysByTable();

  private static ChangeMessage message(long sequence, byte[] payload, String readError) {
    return new ChangeMessage(
        SourceKind.KINESIS,
        "orders-stream",
        "shardId-1",
        Long.toString(sequence),
        1L,
        2L,
        payload,
        readError);
  }

  @Test
  public void decodedChangesAndDeadLettersTogetherHoldEveryMessageOnce() {
    List<ChangeMessage> input = new ArrayList<>();
    input.add(message(1, KinesisFixtures.orderInsert("event-1", "ord-1"), null));
    input.add(message(2, KinesisFixtures.orderInsert("event-2", "ord-2"), null));
    input.add(message(3, "{not json".getBytes(StandardCharsets.UTF_8), null));
    input.add(message(4, KinesisFixtures.payload("bad/unknown-table.json"), null));
    input.add(message(5, new byte[] {1}, "UNREADABLE: the record could not be read"));

    PCollectionTuple out =
        pipeline
            .apply(Create.of(input).withCoder(ChangeMessageCoder.of()))
            .apply(DecodeChanges.forTables(KEYS));

    PAssert.that(
            out.get(DecodeChanges.DECODED)
                .apply(
                    "Event ids",
                    MapElements.into(TypeDescriptors.strings())
                        .via(d -> d.change().record().eventId())))
        .containsInAnyOrder("event-1", "event-2");
    PAssert.that(
            out.get(DecodeChanges.DEAD_LETTERS)
                .apply(
                    "Errors",
                    MapElements.into(TypeDescriptors.strings())
                        .via(d -> d.message().sequenceNumber() + " " + d.message().readError())))
        .satisfies(
            errors -> {
              List<String> all = new ArrayList<>();
              errors.forEach(all::add);
              assertThat(all).hasSize(3);
              assertThat(all).anySatisfy(e -> assertThat(e).startsWith("3 ").contains("JSON"));
              assertThat(all).anySatisfy(e -> assertThat(e).startsWith("4 ").contains("table"));
              assertThat(all).contains("5 UNREADABLE: the record could not be read");
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void theCoderCarriesTheMessageAndDecodesItAgain() throws IOException {
    ChangeMessage m = message(7, KinesisFixtures.orderInsert("event-7", "ord-7"), null);
    DecodedMessage dead = DecodedMessage.deadLetter(m, "INVALID_SHAPE", "broken");
    DecodedMessageCoder coder = DecodedMessageCoder.forTables(KEYS);

    DecodedMessage live =
        new DecodedMessage(
            m, KinesisRecordDecoder.forTables(KEYS).decode(m.payload(), m.position()));
    DecodedMessage back = roundTrip(coder, live);
    assertThat(back.message()).isEqualTo(m);
    assertThat(back.change().record().eventId()).isEqualTo("event-7");
    assertThat(back.change().record()).isEqualTo(live.change().record());

    DecodedMessage deadBack = roundTrip(coder, dead);
    assertThat(deadBack.isDeadLetter()).isTrue();
    assertThat(deadBack.message().readError()).isEqualTo("INVALID_SHAPE: broken");
  }

  @Test
  public void aMessageReadBackDecodesOnlyWhenItsChangeIsAskedFor() throws IOException {
    ChangeMessage m = message(8, KinesisFixtures.orderInsert("event-8", "ord-8"), null);
    DecodedMessage live =
        new DecodedMessage(
            m, KinesisRecordDecoder.forTables(KEYS).decode(m.payload(), m.position()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DecodedMessageCoder.forTables(KEYS).encode(live, out);
    // A coder for another table: its decoder refuses orders, but only once the change is needed.
    DecodedMessageCoder other =
        DecodedMessageCoder.forTables(
            new DeltaTargets("unused", TableMapping.shipped("users")).keysByTable());

    DecodedMessage back = other.decode(new ByteArrayInputStream(out.toByteArray()));

    assertThat(back.message()).isEqualTo(m);
    assertThat(back.isDeadLetter()).isFalse();
    assertThatThrownBy(back::change)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no longer decodes")
        .hasMessageContaining("shardId-1");
  }

  private static DecodedMessage roundTrip(DecodedMessageCoder coder, DecodedMessage d)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    coder.encode(d, out);
    return coder.decode(new ByteArrayInputStream(out.toByteArray()));
  }
}
