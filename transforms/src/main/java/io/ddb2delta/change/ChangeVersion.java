package io.ddb2delta.change;

import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.model.ItemDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The version of an item that a change leaves behind, as text whose order is the order in which the
 * changes of one item happened, whatever their source.
 *
 * <p>The form is {@code <time, UTC, to the microsecond> <rank> <sequence>}:
 *
 * <ul>
 *   <li>the time first: DynamoDB's {@code ApproximateCreationDateTime} for a change; for an
 *       export's row, {@link #EXPORT_HANDOFF} before the time its image is as of: the export time
 *       (full export) or the item's write time, {@code WriteTimestampMicros} (incremental export);
 *   <li>then the rank: {@code c} for a change, {@code x} for an export's row, so the row wins over
 *       a change of the same time;
 *   <li>then the sequence, as a two-digit length and the digits, so numbers of different lengths
 *       compare as numbers: the DynamoDB Streams sequence number, which orders the changes of an
 *       item within its shard lineage; for Kinesis, the sequence number of the carrying record,
 *       which breaks ties between changes of one millisecond or microsecond only where their images
 *       do not ({@link #newest}); 0 for a full export's row, the exact write time for an
 *       incremental export's;
 *   <li>for a Kinesis change that carries the images its operation has (new and old for a MODIFY,
 *       new for an INSERT, old for a REMOVE), then the {@link ItemDigest} of its new image and of
 *       its old image, {@code -} for an image its operation has not: DynamoDB writes an item's
 *       changes in order, so a change whose old image is another's new image came after it.
 * </ul>
 *
 * <p>Why an export row stands {@link #EXPORT_HANDOFF} early: a change's time is rounded down (to
 * the second by DynamoDB Streams, to the minute by DynamoDB Local), while an export's is exact, so
 * a change stamped within that much of the export's time may have happened after it, and must win.
 * One that happened before it wins too, but only for a moment: the export holds the item as the
 * last change before the export left it, and that change follows it in the stream, later by
 * sequence, so it restores the export's image. Only a change stamped a whole {@code EXPORT_HANDOFF}
 * before the export time loses to the export's row, and the row already holds its effect.
 *
 * <p>Equal texts mean the same change delivered twice. Versions of different times compare as text;
 * so do those of one time, except that {@link #newest} and {@link #ordered} let the image chain
 * order Kinesis changes of one time.
 */
public final class ChangeVersion {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** How much earlier than its export time a full export's row stands: DynamoDB Local's minute. */
  public static final Duration EXPORT_HANDOFF = Duration.ofMinutes(1);

  private ChangeVersion() {}

  public static String of(ChangeRecord record) {
    boolean exportRow = record.source() == SourceKind.EXPORT;
    long micros = record.eventTimeMicros() - (exportRow ? EXPORT_HANDOFF.toNanos() / 1000 : 0);
    Instant at =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000);
    String sequence =
        !exportRow
            ? digits(record.position().offset(), record)
            : record.op() == Op.SNAPSHOT ? "0" : Long.toString(record.eventTimeMicros());
    return TIME.format(at)
        + (exportRow ? " x " : " c ")
        + String.format("%02d", sequence.length())
        + sequence
        + (record.source() == SourceKind.KINESIS ? chain(record) : "");
  }

  /** The digests of a Kinesis change's images, or nothing if it lacks one its operation has. */
  private static String chain(ChangeRecord r) {
    boolean complete =
        switch (r.op()) {
          case INSERT -> r.newImage() != null;
          case MODIFY -> r.newImage() != null && r.oldImage() != null;
          case REMOVE -> r.oldImage() != null;
          case SNAPSHOT -> false;
        };
    return complete ? " " + digest(r.newImage()) + " " + digest(r.oldImage()) : "";
  }

  private static String digest(@Nullable Map<String, DynamoValue> image) {
    return image == null ? NO_IMAGE : ItemDigest.of(image);
  }

  private static final String NO_IMAGE = "-";

  /**
   * The position of the newest of some versions of one item (the last position of its text).
   *
   * <p>Versions of different times and ranks compare as text. Those of the greatest time and rank
   * are put in {@linkplain #ordered the order their images explain best}, after the greatest older
   * version given; the last of that order is the newest.
   */
  public static int newest(List<String> versions) {
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("no versions");
    }
    String top = null;
    for (String v : versions) {
      if (top == null || prefix(v).compareTo(top) > 0) {
        top = prefix(v);
      }
    }
    java.util.TreeSet<String> same = new java.util.TreeSet<>();
    String before = null;
    for (String v : versions) {
      if (prefix(v).equals(top)) {
        same.add(v);
      } else if (before == null || v.compareTo(before) > 0) {
        before = v;
      }
    }
    String last =
        same.size() == 1
            ? same.first()
            : chained(new ArrayList<>(same), before == null ? null : next(before))
                .get(same.size() - 1);
    return versions.lastIndexOf(last);
  }

  /**
   * Distinct versions of one item, oldest first: by text, except that versions of one time and rank
   * are in the order their images explain best.
   *
   * <p>That order is the one with the most links, a link being a version whose old image digest is
   * the new image digest of the version just before it (the first of a time is linked to the last
   * version before that time); of orders with as many links, the one nearest to text order. When
   * every change of one time is given, the true order has every link, so it wins unless another
   * order has as many: an item that returned to an earlier image within that time (X, Y, X) with no
   * older version to anchor it. Changes without digests (DynamoDB Streams, exports, a Kinesis
   * change lacking an image) have no links, so text decides.
   */
  public static List<String> ordered(java.util.Collection<String> versions) {
    List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(versions));
    List<String> out = new ArrayList<>(sorted.size());
    int i = 0;
    while (i < sorted.size()) {
      int end = i + 1;
      while (end < sorted.size() && prefix(sorted.get(end)).equals(prefix(sorted.get(i)))) {
        end++;
      }
      List<String> run = sorted.subList(i, end);
      String anchor = out.isEmpty() ? null : next(out.get(out.size() - 1));
      out.addAll(run.size() == 1 ? run : chained(new ArrayList<>(run), anchor));
      i = end;
    }
    return out;
  }

  /** Above this many changes of one time, the order is found greedily instead of by search. */
  private static final int SEARCHED = 6;

  /** Versions of one time and rank, sorted as text, in the order with the most links. */
  private static List<String> chained(List<String> run, @Nullable String anchor) {
    int n = run.size();
    String[] nexts = new String[n];
    String[] previous = new String[n];
    boolean linked = false;
    for (int i = 0; i < n; i++) {
      nexts[i] = next(run.get(i));
      previous[i] = previous(run.get(i));
      linked |= nexts[i] != null;
    }
    if (!linked) {
      // Without digests (DynamoDB Streams, exports) no order has a link: text order it is.
      return run;
    }
    if (n > SEARCHED) {
      return greedy(run, nexts, previous, anchor);
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int[] best = order.clone();
    int bestLinks = -1;
    do {
      int links = anchor != null && anchor.equals(previous[order[0]]) ? 1 : 0;
      for (int i = 1; i < n; i++) {
        if (nexts[order[i - 1]] != null && nexts[order[i - 1]].equals(previous[order[i]])) {
          links++;
        }
      }
      if (links > bestLinks) {
        bestLinks = links;
        best = order.clone();
      }
    } while (nextPermutation(order));
    List<String> out = new ArrayList<>(n);
    for (int i : best) {
      out.add(run.get(i));
    }
    return out;
  }

  /** Follows links from the anchor, or from a version no other one leads to; text breaks ties. */
  private static List<String> greedy(
      List<String> run, String[] nexts, String[] previous, @Nullable String anchor) {
    List<Integer> left = new ArrayList<>();
    for (int i = 0; i < run.size(); i++) {
      left.add(i);
    }
    List<String> out = new ArrayList<>(run.size());
    String at = anchor;
    boolean first = anchor == null;
    while (!left.isEmpty()) {
      Integer pick = null;
      for (Integer i : left) {
        boolean fits =
            first
                ? left.stream().noneMatch(j -> nexts[j] != null && nexts[j].equals(previous[i]))
                : at != null && at.equals(previous[i]);
        if (fits) {
          pick = i;
          break;
        }
      }
      if (pick == null) {
        pick = left.get(0);
      }
      left.remove(pick);
      out.add(run.get(pick));
      at = nexts[pick];
      first = false;
    }
    return out;
  }

  /** Steps to the next permutation in lexicographic order; false after the last. */
  private static boolean nextPermutation(int[] a) {
    int i = a.length - 2;
    while (i >= 0 && a[i] >= a[i + 1]) {
      i--;
    }
    if (i < 0) {
      return false;
    }
    int j = a.length - 1;
    while (a[j] <= a[i]) {
      j--;
    }
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
    for (int l = i + 1, r = a.length - 1; l < r; l++, r--) {
      t = a[l];
      a[l] = a[r];
      a[r] = t;
    }
    return true;
  }

  /** The time and rank: {@code <time> <rank>}, of fixed width. */
  private static String prefix(String version) {
    return version.substring(0, Math.min(version.length(), PREFIX));
  }

  private static final int PREFIX = "uuuu-MM-ddTHH:mm:ss.SSSSSSZ c".length();

  private static @Nullable String next(String version) {
    String[] parts = version.split(" ");
    return parts.length == 5 ? parts[3] : null;
  }

  private static @Nullable String previous(String version) {
    String[] parts = version.split(" ");
    return parts.length == 5 ? parts[4] : null;
  }

  private static String digits(String sequence, ChangeRecord record) {
    int start = 0;
    while (start < sequence.length() - 1 && sequence.charAt(start) == '0') {
      start++;
    }
    String trimmed = sequence.substring(start);
    if (trimmed.isEmpty()
        || trimmed.length() > 99
        || !trimmed.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "the sequence number at " + record.position() + " is not decimal digits: " + sequence);
    }
    return trimmed;
  }
}
