package io.ddb2delta.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.mapping.ColumnMapping.TimestampFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableMappingTest {

  @Test
  void ordersGivesExactlyTheSeedSilverColumns() {
    TableMapping orders = TableMapping.shipped("orders");

    assertThat(orders.silverTable()).isEqualTo("orders_silver");
    assertThat(orders.keys()).containsExactly("order_id");
    List<DeltaColumn> columns = orders.silverSchema().columns();
    assertThat(columns)
        .extracting(DeltaColumn::name)
        .containsExactly(
            "order_id",
            "customer_id",
            "product_id",
            "order_amount",
            "order_status",
            "created_at",
            "event_type",
            "event_timestamp",
            "processing_timestamp",
            "_attributes");
    assertThat(columns)
        .extracting(c -> c.type().sql())
        .containsExactly(
            "string",
            "string",
            "string",
            "decimal(10,2)",
            "string",
            "timestamp",
            "string",
            "timestamp",
            "timestamp",
            "string");
    assertThat(orders.columns().get(3).attribute().text()).isEqualTo("amount");
    assertThat(orders.columns().get(4).attribute().text()).isEqualTo("status");
  }

  @Test
  void everyShippedMappingLoadsAndEndsWithAttributes() {
    for (String table : TableMapping.SHIPPED) {
      TableMapping mapping = TableMapping.shipped(table);
      assertThat(mapping.table()).isEqualTo(table);
      assertThat(mapping.silverTable()).isEqualTo(table + "_silver");
      List<DeltaColumn> columns = mapping.silverSchema().columns();
      assertThat(columns.get(columns.size() - 1))
          .isEqualTo(
              new DeltaColumn(
                  "_attributes",
                  DeltaType.STRING,
                  true,
                  "every unmapped attribute, as DynamoDB JSON"));
      assertThat(mapping.mappedTopLevelAttributes()).containsAll(mapping.keys());
    }
  }

  @Test
  void historyIsOffUnlessAMappingTurnsItOnAndOnlyOrdersShipsWithIt() {
    assertThat(TableMapping.SHIPPED.stream().filter(t -> TableMapping.shipped(t).history()))
        .containsExactly("orders");
    String yaml = "table: t1\nkeys: [id]\ncolumns:\n  - {name: id, attribute: id, type: string}\n";
    assertThat(TableMapping.parse(yaml, "inline").history()).isFalse();
    assertThat(TableMapping.parse(yaml + "history: true\n", "inline").history()).isTrue();
    assertThat(TableMapping.parse(yaml + "history: false\n", "inline").history()).isFalse();
  }

  @Test
  void unknownShippedTableSaysWhatToDo() {
    assertThatThrownBy(() -> TableMapping.shipped("invoices"))
        .hasMessageContaining("no shipped mapping for table \"invoices\"")
        .hasMessageContaining("--tableConfig");
  }

  @Test
  void rejectsReservedAttributesColumn() {
    String yaml =
        """
        table: t1
        keys: [id]
        columns:
          - {name: _attributes, attribute: x, type: string}
        """;
    assertThatThrownBy(() -> TableMapping.parse(yaml, "inline"))
        .hasMessageContaining("_attributes is reserved");
  }

  @Test
  void rejectsUnknownTypeNamingIt() {
    String yaml =
        """
        table: t1
        keys: [id]
        columns:
          - {name: id, attribute: id, type: varchar2}
        """;
    assertThatThrownBy(() -> TableMapping.parse(yaml, "inline"))
        .hasMessageContaining("invalid table mapping inline")
        .hasMessageContaining("varchar2");
  }

  @Test
  void rejectsMetaWithWrongType() {
    String yaml =
        """
        table: t1
        keys: [id]
        columns:
          - {name: ts, meta: event_timestamp, type: string}
        """;
    assertThatThrownBy(() -> TableMapping.parse(yaml, "inline"))
        .hasMessageContaining("which is timestamp, not string");
  }

  @Test
  void rejectsMissingKeysAndUnknownFields() {
    assertThatThrownBy(() -> TableMapping.parse("table: t1\ncolumns: []\n", "inline"))
        .hasMessageContaining("keys");
    assertThatThrownBy(
            () ->
                TableMapping.parse("table: t1\nkeys: [id]\ncolumns: []\ncolour: blue\n", "inline"))
        .hasMessageContaining("colour");
  }

  @Test
  void partitionByMustNameAColumn() {
    String yaml =
        """
        table: t1
        keys: [id]
        columns:
          - {name: id, attribute: id, type: string}
        partitionBy: [day]
        """;
    assertThatThrownBy(() -> TableMapping.parse(yaml, "inline"))
        .hasMessageContaining("partition column \"day\" is not a column");
  }

  @Test
  void timestampFormatIsNullUnlessDeclared() {
    String yaml =
        """
        table: t1
        keys: [id]
        columns:
          - {name: id, attribute: id, type: string}
          - {name: plain, attribute: plain, type: timestamp}
          - {name: millis, attribute: millis, type: timestamp, format: epoch_millis}
        """;
    List<ColumnMapping> columns = TableMapping.parse(yaml, "inline").columns();

    assertThat(columns.get(1).timestampFormat()).isNull();
    assertThat(columns.get(2).timestampFormat()).isEqualTo(TimestampFormat.EPOCH_MILLIS);
    assertThatThrownBy(
            () ->
                TableMapping.parse(
                    yaml.replace("format: epoch_millis", "format: epoch_hours"), "inline"))
        .hasMessageContaining("unknown format \"epoch_hours\"");
  }
}
