package io.ddb2delta.tools;

import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.tools.LoadGenerator.Op;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The sequence of changes a load run makes, decided without touching DynamoDB.
 *
 * <p>Guarantees: the sequence depends only on the config and the instants passed to {@link #next}
 * (which end up only in timestamp attributes). MODIFY and REMOVE only target keys this plan
 * inserted and has not removed or forgotten; when a table has none, the draw becomes an INSERT. At
 * most {@code maxLiveKeys} keys per table are tracked: beyond that a random tracked key is dropped
 * from tracking (its item stays in the table), which bounds memory without skewing the mix. New
 * orders start {@code pending} and their status only moves forward: pending → shipped or cancelled,
 * shipped → completed; completed and cancelled are final. New transactions start {@code authorized}
 * and move to captured, then possibly refunded. Not thread-safe.
 */
final class LoadPlan {
  /** One planned write: the whole new item for INSERT, the changed attributes for MODIFY. */
  record Change(
      SyntheticTable table,
      Op op,
      String key,
      Map<String, DynamoValue> item,
      Map<String, DynamoValue> changed) {}

  private final LoadGenerator.Config config;
  private final SplittableRandom random;
  private final Map<SyntheticTable, TableState> tables = new EnumMap<>(SyntheticTable.class);

  LoadPlan(LoadGenerator.Config config) {
    this.config = config;
    this.random = new SplittableRandom(SyntheticItems.mix(config.seed() ^ 0x10ADL));
    for (SyntheticTable table : config.tables()) {
      tables.put(table, new TableState(new SyntheticItems(table, config.seed())));
    }
  }

  /** The next change; {@code now} is written into the timestamp attributes it sets. */
  Change next(Instant now) {
    SyntheticTable table = config.tables().get(random.nextInt(config.tables().size()));
    TableState state = tables.get(table);
    Op op = config.mix().draw(random);
    if (op != Op.INSERT && state.keys.isEmpty()) {
      op = Op.INSERT;
    }
    return switch (op) {
      case INSERT -> insert(table, state, now);
      case MODIFY -> modify(table, state, state.keys.get(random.nextInt(state.keys.size())), now);
      case REMOVE -> remove(table, state, random.nextInt(state.keys.size()));
    };
  }

  /** Stops tracking a key whose write DynamoDB refused, so no later change targets it. */
  void forget(SyntheticTable table, String key) {
    TableState state = tables.get(table);
    int at = state.keys.indexOf(key);
    if (at >= 0) {
      state.untrack(at);
    }
  }

  /** How many keys of {@code table} are tracked as live. */
  int liveKeys(SyntheticTable table) {
    return tables.get(table).keys.size();
  }

  /** The current item of a tracked key, or null; for tests. */
  Map<String, DynamoValue> liveItem(SyntheticTable table, String key) {
    return tables.get(table).items.get(key);
  }

  private Change insert(SyntheticTable table, TableState state, Instant now) {
    long index = state.nextIndex++;
    Map<String, DynamoValue> item = new LinkedHashMap<>(state.items(index));
    String at = SyntheticItems.iso(now);
    switch (table) {
      case ORDERS -> {
        // A new order has not shipped yet, so it has no tracking number.
        item.put("status", SyntheticItems.s("pending"));
        item.put("created_at", SyntheticItems.s(at));
        item.remove("tracking");
      }
      case TRANSACTIONS -> {
        item.put("status", SyntheticItems.s("authorized"));
        item.put("created_at", SyntheticItems.s(at));
        item.remove("refunds");
      }
      case USERS -> item.put("signup_at", SyntheticItems.s(at));
      case PRODUCTS -> item.put("updated_at", SyntheticItems.s(at));
    }
    String key = state.synthetic.id(index);
    if (state.keys.size() >= config.maxLiveKeys()) {
      state.untrack(random.nextInt(state.keys.size()));
    }
    state.keys.add(key);
    state.items.put(key, item);
    return new Change(table, Op.INSERT, key, frozen(item), frozen(item));
  }

  private Change modify(SyntheticTable table, TableState state, String key, Instant now) {
    Map<String, DynamoValue> item = state.items.get(key);
    Map<String, DynamoValue> changed = new LinkedHashMap<>();
    DynamoValue.S at = SyntheticItems.s(SyntheticItems.iso(now));
    switch (table) {
      case ORDERS -> {
        String next = nextOrderStatus(text(item, "status"), random);
        if (next.equals("shipped")) {
          changed.put(
              "tracking",
              SyntheticItems.m(
                  "carrier",
                  SyntheticItems.s(random.nextBoolean() ? "UPS" : "DHL"),
                  "number",
                  SyntheticItems.s(
                      "1Z" + Long.toHexString(random.nextLong()).toUpperCase(Locale.ROOT))));
        } else if (next.equals(text(item, "status"))) {
          // A final order still changes: support adds a note.
          changed.put("notes", SyntheticItems.s("Customer contacted support."));
        }
        changed.put("status", SyntheticItems.s(next));
        changed.put("updated_at", at);
      }
      case USERS -> {
        long logins = Long.parseLong(((DynamoValue.N) item.get("login_count")).text());
        changed.put("login_count", DynamoValue.N.of(logins + 1));
        changed.put("last_login_at", at);
      }
      case PRODUCTS -> {
        long stock = Long.parseLong(((DynamoValue.N) item.get("stock")).text());
        // Mostly sales, sometimes a restock.
        long next =
            random.nextInt(5) == 0 ? stock + 100 : Math.max(0, stock - 1 - random.nextInt(5));
        changed.put("stock", DynamoValue.N.of(next));
        changed.put("updated_at", at);
      }
      case TRANSACTIONS -> {
        String status = text(item, "status");
        String next =
            switch (status) {
              case "authorized" -> "captured";
              case "captured" -> random.nextInt(10) == 0 ? "refunded" : "captured";
              default -> status;
            };
        changed.put("status", SyntheticItems.s(next));
        changed.put("settled_at", at);
      }
    }
    // A write that leaves an item unchanged makes no stream record, so every MODIFY bumps the
    // item's version, as optimistic locking would.
    DynamoValue version = item.get("version");
    long previous = version == null ? 0 : Long.parseLong(((DynamoValue.N) version).text());
    changed.put("version", DynamoValue.N.of(previous + 1));
    Map<String, DynamoValue> updated = new LinkedHashMap<>(item);
    updated.putAll(changed);
    state.items.put(key, updated);
    return new Change(table, Op.MODIFY, key, frozen(updated), frozen(changed));
  }

  private Change remove(SyntheticTable table, TableState state, int at) {
    String key = state.keys.get(at);
    state.untrack(at);
    return new Change(table, Op.REMOVE, key, null, Map.of());
  }

  /**
   * The status after one MODIFY: pending ships (85%) or is cancelled; shipped completes; completed
   * and cancelled are final.
   */
  static String nextOrderStatus(String status, SplittableRandom random) {
    return switch (status) {
      case "pending" -> random.nextInt(100) < 85 ? "shipped" : "cancelled";
      case "shipped" -> "completed";
      default -> status;
    };
  }

  /** An unmodifiable copy that keeps attribute order, so update expressions are deterministic. */
  private static Map<String, DynamoValue> frozen(Map<String, DynamoValue> item) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(item));
  }

  private static String text(Map<String, DynamoValue> item, String name) {
    return ((DynamoValue.S) item.get(name)).value();
  }

  /** The next synthetic index and the tracked live keys of one table, with their items. */
  private static final class TableState {
    final SyntheticItems synthetic;
    final List<String> keys = new ArrayList<>();
    final Map<String, Map<String, DynamoValue>> items = new HashMap<>();
    long nextIndex;

    TableState(SyntheticItems synthetic) {
      this.synthetic = synthetic;
    }

    Map<String, DynamoValue> items(long index) {
      return synthetic.item(index);
    }

    /** Drops key {@code at} in O(1): the last key takes its place. */
    void untrack(int at) {
      String key = keys.get(at);
      String last = keys.remove(keys.size() - 1);
      if (at < keys.size()) {
        keys.set(at, last);
      }
      items.remove(key);
    }
  }
}
