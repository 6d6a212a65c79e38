package io.ddb2delta.gold;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.mapping.MappingException;
import io.ddb2delta.model.DynamoValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.values.KV;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What one change of the orders table contributes to each gold group, from its old and new images:
 * the order joins the group of its new image and leaves the group of its old one when that differs.
 * So a MODIFY from pending to cancelled moves the order between statuses, a changed amount replaces
 * the order's amount, a REMOVE takes it out, and a duplicate says again what was said.
 *
 * <p>An image that silver cannot type contributes nothing (its change is in quarantine); nor does a
 * REMOVE without an old image (a KEYS_ONLY stream), whose groups are unknown: gold over orders
 * needs the NEW_AND_OLD_IMAGES view that the seed's streams use.
 */
public final class OrderContributions implements Serializable {
  private final OrderColumns columns;

  public OrderContributions(OrderColumns columns) {
    this.columns = Objects.requireNonNull(columns, "columns");
  }

  /** The table whose changes count; changes of other tables contribute nothing. */
  public String table() {
    return columns.table();
  }

  /** The change's contributions to the tables over current orders. */
  public List<KV<GoldKey, Contribution>> toOrders(DecodedChange change) {
    ChangeRecord r = change.record();
    if (!r.tableName().equals(columns.table())) {
      return List.of();
    }
    OrderImage now = type(r, r.newImage());
    OrderImage before = type(r, r.oldImage());
    String sequence = r.position().offset();
    List<KV<GoldKey, Contribution>> out = new ArrayList<>();
    for (GoldTable t : GoldTable.ofCurrentOrders()) {
      List<Object> joined = now == null ? null : t.groupOf(now);
      List<Object> left = before == null ? null : t.groupOf(before);
      if (joined != null) {
        out.add(
            KV.of(
                new GoldKey(t.tableName(), joined),
                new Contribution(
                    now.orderId(),
                    r.eventTimeMicros(),
                    sequence,
                    true,
                    now.amount(),
                    now.customerId(),
                    now.createdAtMicros())));
      }
      if (left != null && !left.equals(joined)) {
        out.add(
            KV.of(
                new GoldKey(t.tableName(), left),
                Contribution.left(before.orderId(), r.eventTimeMicros(), sequence)));
      }
    }
    return out;
  }

  /**
   * The change as one event of the change log, keyed by its event type, or null for an export row
   * (a snapshot, not a change) or a change of another table.
   */
  public @Nullable KV<GoldKey, Contribution> toEvent(DecodedChange change) {
    ChangeRecord r = change.record();
    if (!r.tableName().equals(columns.table()) || r.op() == Op.SNAPSHOT) {
      return null;
    }
    OrderImage image = type(r, r.newImage());
    if (image == null) {
      image = type(r, r.oldImage());
    }
    return KV.of(
        new GoldKey(GoldTable.WINDOWED_METRICS.tableName(), List.of(r.op().name())),
        new Contribution(
            r.eventId(),
            r.eventTimeMicros(),
            r.position().offset(),
            true,
            image == null ? null : image.amount(),
            image == null ? null : image.customerId(),
            null));
  }

  private @Nullable OrderImage type(ChangeRecord r, @Nullable Map<String, DynamoValue> image) {
    if (image == null) {
      return null;
    }
    try {
      return columns.type(r, image);
    } catch (MappingException | IllegalArgumentException e) {
      return null;
    }
  }
}
