package io.ddb2delta.model;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An unmodifiable map of attributes that keeps insertion order, and that nobody else holds a
 * mutable reference to. Because of that last guarantee, {@link #copyOf} can return it as is: an
 * item decoded once is never copied again on its way into values and change records.
 */
public final class FrozenMap extends AbstractMap<String, DynamoValue> {
  private static final FrozenMap EMPTY = new FrozenMap(new LinkedHashMap<>());

  private final Map<String, DynamoValue> map;
  private final Map<String, DynamoValue> view;

  private FrozenMap(LinkedHashMap<String, DynamoValue> owned) {
    this.map = owned;
    this.view = Collections.unmodifiableMap(owned);
  }

  /** The map itself when already frozen, else a frozen copy. */
  public static Map<String, DynamoValue> copyOf(Map<String, DynamoValue> map) {
    if (map instanceof FrozenMap frozen) {
      return frozen;
    }
    return map.isEmpty() ? EMPTY : new FrozenMap(new LinkedHashMap<>(map));
  }

  /** Takes over a map that the caller built and will never touch again. */
  static Map<String, DynamoValue> adopt(LinkedHashMap<String, DynamoValue> owned) {
    return owned.isEmpty() ? EMPTY : new FrozenMap(owned);
  }

  @Override
  public Set<Entry<String, DynamoValue>> entrySet() {
    return view.entrySet();
  }

  @Override
  public DynamoValue get(Object key) {
    return map.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return map.containsKey(key);
  }

  @Override
  public int size() {
    return map.size();
  }
}
