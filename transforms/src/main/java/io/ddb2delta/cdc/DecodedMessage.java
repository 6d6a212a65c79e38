package io.ddb2delta.cdc;

import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.tables.ChangeRows;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A change message with what it decoded to, or, as a dead letter, without: then the message's
 * {@link ChangeMessage#readError()} says why ({@code ERROR_CLASS: reason}).
 *
 * <p>Immutable. A message read back from its coding ({@link DecodedMessageCoder}) decodes its
 * payload again only when {@link #change()} is first asked for: the Spark runner codes every
 * element in and out of its shuffle, its state and its cache of a multi-output step, and decoding
 * at each of those was a quarter of a catch-up's CPU.
 */
public final class DecodedMessage {
  private final ChangeMessage message;
  private final @Nullable KinesisRecordDecoder decoder;

  /** Set once, by the constructor or the first {@link #change()} of a message read back. */
  private @Nullable DecodedChange change;

  /**
   * @param change the decoded change; null exactly when the message is a dead letter
   */
  public DecodedMessage(ChangeMessage message, @Nullable DecodedChange change) {
    this(message, change, null);
    if ((change == null) == (message.readError() == null)) {
      throw new IllegalArgumentException(
          "a message has a decoded change or a read error, not both or neither: " + message);
    }
  }

  private DecodedMessage(
      ChangeMessage message,
      @Nullable DecodedChange change,
      @Nullable KinesisRecordDecoder decoder) {
    this.message = Objects.requireNonNull(message, "message");
    this.change = change;
    this.decoder = decoder;
  }

  /**
   * A message that decoded before, as it is read back from its coding: its payload is decoded again
   * by {@code decoder} when the change is first asked for. A dead letter stays one.
   */
  static DecodedMessage readBack(ChangeMessage m, KinesisRecordDecoder decoder) {
    return m.readError() != null
        ? new DecodedMessage(m, null, null)
        : new DecodedMessage(m, null, decoder);
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

  public ChangeMessage message() {
    return message;
  }

  /** The decoded change; null exactly when the message is a dead letter. */
  public @Nullable DecodedChange change() {
    DecodedChange c = change;
    if (c == null && decoder != null) {
      try {
        c = decoder.decode(message.payload(), message.position());
      } catch (DecodeException e) {
        throw new IllegalStateException(
            "a message that decoded before no longer decodes, at " + message.position() + ": " + e,
            e);
      }
      // A race decodes twice and keeps either: DecodedChange is immutable, its fields final.
      change = c;
    }
    return c;
  }

  public boolean isDeadLetter() {
    return message.readError() != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecodedMessage d
        && message.equals(d.message)
        && Objects.equals(change(), d.change());
  }

  @Override
  public int hashCode() {
    return message.hashCode();
  }

  @Override
  public String toString() {
    return "DecodedMessage[message=" + message + ", change=" + change() + "]";
  }
}
