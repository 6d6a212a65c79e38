package io.ddb2delta.gold;

import java.math.BigDecimal;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What one change says about one entry of one gold group: that the entry (an order, or for a
 * change-log aggregate an event) is in the group with these values, or, when not {@code live}, that
 * it has left the group.
 *
 * <p>Of two contributions to the same entry the newer one holds ({@link #newerThan}): by event
 * time, then by sequence number within the source. Keeping the newer one is commutative,
 * associative and idempotent, so any order of arrival, any split into bundles and any duplicate
 * give the same group: that is what lets a MODIFY or REMOVE retract what an earlier change
 * contributed, whenever either arrives.
 */
public record Contribution(
    String id,
    long eventMicros,
    String sequence,
    boolean live,
    @Nullable BigDecimal amount,
    @Nullable String customerId,
    @Nullable Long createdAtMicros) {

  public Contribution {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sequence, "sequence");
  }

  /**
   * The entry id of a {@link #versionFloor}: no order's, as DynamoDB refuses empty key values, nor
   * any event's.
   */
  static final String FLOOR_ID = "";

  /**
   * Not an entry: the version of the group's row as stored, which the group's next row must exceed
   * ({@link ReplayCommitted}).
   */
  static Contribution versionFloor(long version) {
    return new Contribution(FLOOR_ID, version, "0", false, null, null, null);
  }

  /** That the entry left the group, as of this change. */
  public static Contribution left(String id, long eventMicros, String sequence) {
    return new Contribution(id, eventMicros, sequence, false, null, null, null);
  }

  /**
   * True if this contribution comes from a later change than {@code other}. Sequence numbers are
   * decimal digits (DynamoDB's and Kinesis'), compared as numbers; a tie is not newer.
   */
  public boolean newerThan(Contribution other) {
    if (eventMicros != other.eventMicros) {
      return eventMicros > other.eventMicros;
    }
    if (sequence.length() != other.sequence.length()) {
      return sequence.length() > other.sequence.length();
    }
    int c = sequence.compareTo(other.sequence);
    // A change that is both in and out of one group cannot happen; on a true tie (a duplicate) a
    // departure wins so that the outcome does not depend on arrival order.
    return c > 0 || (c == 0 && !live && other.live);
  }

  /** The newer of two contributions to one entry. */
  public static Contribution newer(Contribution a, Contribution b) {
    return b.newerThan(a) ? b : a;
  }
}
