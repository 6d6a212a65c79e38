package io.ddb2delta.cdc;

import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.tables.ChangeRows;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A change message with what it decoded to, or, as a dead letter, without: then the message's
 * {@link ChangeMessage#readError()} says why ({@code ERROR_CLASS: reason}).
 *
 * @param change the decoded change; null exactly when the message is a dead letter
 */
public record DecodedMessage(ChangeMessage message, @Nullable DecodedChange change) {
  public DecodedMessage {
    Objects.requireNonNull(message, "message");
    if ((change == null) == (message.readError() == null)) {
      throw new IllegalArgumentException(
          "a message has a decoded change or a read error, not both or neither: " + message);
    }
  }

  /**
   * The message decoded, or its dead letter: a message the source could not read stays one, and a
   * payload that does not decode becomes one with the decoder's error class and reason.
   */
  public static DecodedMessage decode(ChangeMessage m, KinesisRecordDecoder decoder) {
    if (m.readError() != null) {
      return new DecodedMessage(m, null);
    }
    ChangeRows.Decoded d = ChangeRows.decode(() -> decoder.decode(m.payload(), m.position()));
    return d.ok() ? new DecodedMessage(m, d.change()) : deadLetter(m, d.errorClass(), d.reason());
  }

  /** The dead letter of a message that failed to decode. */
  public static DecodedMessage deadLetter(ChangeMessage m, String errorClass, String reason) {
    return new DecodedMessage(
        new ChangeMessage(
            m.kind(),
            m.stream(),
            m.shard(),
            m.sequenceNumber(),
            m.arrivalMillis(),
            m.readMillis(),
            m.payload(),
            errorClass + ": " + reason),
        null);
  }

  public boolean isDeadLetter() {
    return change == null;
  }
}
