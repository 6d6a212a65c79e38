package io.ddb2delta.cdc;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Decodes change messages of every stream source into {@link DecodedMessage}s: the decoded changes
 * under {@link #DECODED}, and under {@link #DEAD_LETTERS} every message that did not decode or
 * could not be read, with its position and the reason. Nothing is dropped and nothing is thrown for
 * bad input; the two outputs together hold every message once.
 *
 * <p>The decoded changes are not yet deduplicated: a Kinesis duplicate is decoded twice, and the
 * writers skip it against what the tables hold ({@link WriteChangesToDelta}).
 */
public final class DecodeChanges extends PTransform<PCollection<ChangeMessage>, PCollectionTuple> {
  public static final TupleTag<DecodedMessage> DECODED = new TupleTag<>() {};
  public static final TupleTag<DecodedMessage> DEAD_LETTERS = new TupleTag<>() {};

  private final Map<String, List<String>> keysByTable;

  private DecodeChanges(Map<String, List<String>> keysByTable) {
    this.keysByTable = Map.copyOf(keysByTable);
  }

  /** For the tables of a run, each with its key attributes. */
  public static DecodeChanges forTables(Map<String, List<String>> keysByTable) {
    return new DecodeChanges(keysByTable);
  }

  @Override
  public PCollectionTuple expand(PCollection<ChangeMessage> messages) {
    if (keysByTable.isEmpty()) {
      throw new IllegalArgumentException("no tables to decode changes of");
    }
    DecodedMessageCoder coder = DecodedMessageCoder.forTables(keysByTable);
    PCollectionTuple out =
        messages.apply(
            "Decode",
            ParDo.of(new DecodeFn(KinesisRecordDecoder.forTables(keysByTable)))
                .withOutputTags(DECODED, TupleTagList.of(DEAD_LETTERS)));
    out.get(DECODED).setCoder(coder);
    out.get(DEAD_LETTERS).setCoder(coder);
    return out;
  }

  static final class DecodeFn extends DoFn<ChangeMessage, DecodedMessage> {
    private final KinesisRecordDecoder decoder;
    private final Counter deadLetters = Metrics.counter("cdc", "dead_letters");

    DecodeFn(KinesisRecordDecoder decoder) {
      this.decoder = decoder;
    }

    @ProcessElement
    public void process(@Element ChangeMessage m, MultiOutputReceiver out) {
      DecodedMessage d = DecodedMessage.decode(m, decoder);
      if (d.isDeadLetter()) {
        deadLetters.inc();
        out.get(DEAD_LETTERS).output(d);
      } else {
        out.get(DECODED).output(d);
      }
    }
  }
}
