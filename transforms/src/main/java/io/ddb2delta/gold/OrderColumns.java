package io.ddb2delta.gold;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.mapping.SilverMapper;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Which silver columns of a table play the parts gold needs: the order id, customer, product,
 * amount, status and creation time. Images are typed through the table's {@link SilverMapper}, so
 * gold sees exactly the values silver stores.
 *
 * <p>Guarantees: a mapping that lacks one of the columns, or types one otherwise than gold reads
 * it, is refused when the columns are bound, naming the column.
 */
public final class OrderColumns implements Serializable {
  /** The silver columns of the shipped {@code orders} mapping. */
  public static final List<String> ORDERS =
      List.of(
          "order_id", "customer_id", "product_id", "order_amount", "order_status", "created_at");

  private final SilverMapper mapper;
  private final int orderId;
  private final int customerId;
  private final int productId;
  private final int amount;
  private final int status;
  private final int createdAt;

  private OrderColumns(TableMapping mapping, List<String> names) {
    this.mapper = new SilverMapper(mapping);
    this.orderId = index(mapping, names.get(0), "string");
    this.customerId = index(mapping, names.get(1), "string");
    this.productId = index(mapping, names.get(2), "string");
    this.amount = index(mapping, names.get(3), "decimal");
    this.status = index(mapping, names.get(4), "string");
    this.createdAt = index(mapping, names.get(5), "timestamp");
  }

  /** The shipped orders columns, in {@code mapping}. */
  public static OrderColumns of(TableMapping mapping) {
    return new OrderColumns(mapping, ORDERS);
  }

  public String table() {
    return mapper.mapping().table();
  }

  /**
   * One image of a change, typed; throws {@link io.ddb2delta.mapping.MappingException} for a value
   * silver cannot type either (that change is in quarantine).
   */
  public OrderImage type(ChangeRecord record, Map<String, DynamoValue> image) {
    Object[] row = mapper.typeImage(record, image, 0L);
    return new OrderImage(
        (String) row[orderId],
        (String) row[customerId],
        (String) row[productId],
        (BigDecimal) row[amount],
        (String) row[status],
        (Long) row[createdAt]);
  }

  private static int index(TableMapping mapping, String column, String kind) {
    int i = -1;
    for (int c = 0; c < mapping.columns().size(); c++) {
      if (mapping.columns().get(c).name().equals(column)) {
        i = c;
      }
    }
    if (i < 0) {
      throw new IllegalArgumentException(
          "gold needs column " + column + " in the mapping of table " + mapping.table());
    }
    DeltaType type = mapping.columns().get(i).type();
    boolean fits =
        switch (kind) {
          case "decimal" -> type instanceof DeltaType.Decimal;
          case "timestamp" -> type.equals(DeltaType.TIMESTAMP);
          default -> type.equals(DeltaType.STRING);
        };
    if (!fits) {
      throw new IllegalArgumentException(
          "gold reads column "
              + column
              + " of table "
              + mapping.table()
              + " as a "
              + kind
              + ", but the mapping types it "
              + type);
    }
    return i;
  }
}
