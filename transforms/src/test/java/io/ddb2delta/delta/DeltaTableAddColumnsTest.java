package io.ddb2delta.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.data.CloseableIterator;
import io.delta.standalone.data.RowRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Columns added by a commit: in its metadata, once, and null in the files written before. */
class DeltaTableAddColumnsTest {
  private static final String APP = "ddb2delta-orders#0";

  @TempDir Path root;

  private static final DeltaTableSchema NARROW =
      new DeltaTableSchema(
          List.of(
              DeltaColumn.required("order_id", DeltaType.STRING),
              DeltaColumn.of("note", DeltaType.STRING)),
          List.of());

  private static final DeltaTableSchema WIDE =
      new DeltaTableSchema(
          List.of(
              DeltaColumn.required("order_id", DeltaType.STRING),
              DeltaColumn.of("note", DeltaType.STRING),
              DeltaColumn.of("gift", DeltaType.BOOLEAN)),
          List.of());

  private List<DataFile> write(DeltaTableSchema schema, Object[]... rows) {
    try (DeltaFileWriter w = DeltaFileWriter.create(root.toString(), schema)) {
      for (Object[] r : rows) {
        w.write(r);
      }
      return w.finish();
    }
  }

  private DeltaTable created() {
    DeltaTable table = DeltaTable.forPath(root.toString());
    table.createIfAbsent("orders", NARROW, Map.of());
    return table;
  }

  @Test
  void aCommitAddsTheColumnsTheTableLacksWithItsFilesAndOlderFilesReadNull() throws IOException {
    DeltaTable table = created();
    List<DataFile> before = write(NARROW, new Object[] {"o-1", "a"});

    CommitResult r =
        table.commit(
            List.of(new DeltaTable.TxnFiles(APP, 0, before)),
            DeltaTable.STREAMING_UPDATE,
            Map.of(),
            List.of(
                DeltaColumn.of("gift", DeltaType.BOOLEAN),
                DeltaColumn.of("NOTE", DeltaType.BOOLEAN),
                DeltaColumn.of("Gift", DeltaType.STRING)));
    table.commit(APP, 1, write(WIDE, new Object[] {"o-2", "b", true}), DeltaTable.WRITE, Map.of());

    assertThat(r.tableVersion()).isEqualTo(1);
    assertThat(table.columns())
        .containsExactly(
            DeltaColumn.required("order_id", DeltaType.STRING),
            DeltaColumn.of("note", DeltaType.STRING),
            DeltaColumn.of("gift", DeltaType.BOOLEAN));
    // delta-standalone's own reader, as Spark does, reads the narrow file through the wide schema.
    Map<String, RowRecord> rows = new HashMap<>();
    try (CloseableIterator<RowRecord> it =
        DeltaLog.forTable(new Configuration(), root.toString()).update().open()) {
      while (it.hasNext()) {
        RowRecord row = it.next();
        rows.put(row.getString("order_id"), row);
      }
    }
    assertThat(rows.get("o-1").isNullAt("gift")).isTrue();
    assertThat(rows.get("o-1").getString("note")).isEqualTo("a");
    assertThat(rows.get("o-2").getBoolean("gift")).isTrue();
    // And so does ddb2delta's.
    List<Object[]> read = new ArrayList<>();
    for (DataFile f : table.files()) {
      DeltaTable.readRows(table.path(), WIDE, f, read::add);
    }
    assertThat(read)
        .extracting(row -> row[0] + "/" + row[1] + "/" + row[2])
        .containsExactlyInAnyOrder("o-1/a/null", "o-2/b/true");
  }

  @Test
  void aCommitOfTransactionsAlreadyHeldAddsNoColumn() {
    DeltaTable table = created();
    table.commit(APP, 0, write(NARROW, new Object[] {"o-1", "a"}), DeltaTable.WRITE, Map.of());

    CommitResult r =
        table.commit(
            List.of(new DeltaTable.TxnFiles(APP, 0, List.of())),
            DeltaTable.STREAMING_UPDATE,
            Map.of(),
            List.of(DeltaColumn.of("gift", DeltaType.BOOLEAN)));

    assertThat(r.committed()).isFalse();
    assertThat(table.columnNames()).containsExactly("order_id", "note");
  }

  @Test
  void anExistingTableWithAddedColumnsIsAcceptedOnlyWhenAllowed() {
    DeltaTable table = created();
    table.commit(
        List.of(new DeltaTable.TxnFiles(APP, 0, List.of())),
        DeltaTable.WRITE,
        Map.of(),
        List.of(DeltaColumn.of("gift", DeltaType.BOOLEAN)));

    table.createIfAbsent("orders", NARROW, Map.of(), true);
    assertThatThrownBy(() -> table.createIfAbsent("orders", NARROW, Map.of()))
        .isInstanceOf(DeltaTableException.class)
        .hasMessageContaining("the table has column \"gift\" that the mapping lacks");
  }
}
