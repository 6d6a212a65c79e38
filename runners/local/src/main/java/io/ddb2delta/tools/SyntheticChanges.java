package io.ddb2delta.tools;

import io.ddb2delta.model.DynamoValue;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The changes of a deterministic incremental export over the items of {@link SyntheticItems}.
 *
 * <p>Guarantees: change {@code i} depends only on (seed, table, i, window). About 45% are inserts
 * of new items (ids from {@link #FIRST_INSERTED_INDEX} up, so they never clash with a full export's
 * items), 35% updates of item {@code i} and 20% deletes of item {@code i}; an update's old image
 * and a delete's old image are exactly item {@code i} of a full export with the same seed. Each key
 * appears at most once, as AWS compacts a window to one final state per item.
 */
public final class SyntheticChanges {
  /** Inserted items take indexes from here, far above any full export's item count. */
  public static final long FIRST_INSERTED_INDEX = 500_000_000L;

  private final SyntheticItems items;
  private final long seed;
  private final long fromMicros;
  private final long windowMicros;

  public SyntheticChanges(SyntheticItems items, long seed, long fromMicros, long toMicros) {
    if (toMicros <= fromMicros) {
      throw new IllegalArgumentException("the export window must not be empty");
    }
    this.items = items;
    this.seed = seed;
    this.fromMicros = fromMicros;
    this.windowMicros = toMicros - fromMicros;
  }

  public IncrementalChange change(long index) {
    SplittableRandom random =
        new SplittableRandom(
            SyntheticItems.mix(
                seed ^ SyntheticItems.mix(index) ^ (items.table().ordinal() + 0x5EEDL)));
    int kind = random.nextInt(20);
    long micros = fromMicros + random.nextLong(windowMicros);
    if (kind < 9) {
      Map<String, DynamoValue> inserted = items.item(FIRST_INSERTED_INDEX + index);
      return new IncrementalChange(micros, items.key(inserted), null, inserted);
    }
    Map<String, DynamoValue> old = items.item(index);
    Map<String, DynamoValue> updated = kind < 16 ? items.updated(index) : null;
    return new IncrementalChange(micros, items.key(old), old, updated);
  }
}
