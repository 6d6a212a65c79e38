package io.ddb2delta.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.VersionLog;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.RemoveFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TableMaintenance} on real delta-standalone tables: the expected files, ranges and rows are
 * worked out by hand; delta-standalone reads the log, parquet-avro the rows.
 */
class TableMaintenanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DeltaTableSchema ITEMS =
      new DeltaTableSchema(
          List.of(
              DeltaColumn.required("id", DeltaType.STRING),
              DeltaColumn.of("value", DeltaType.LONG)),
          List.of());

  @TempDir Path root;

  private DeltaTable table() {
    DeltaTable t = DeltaTable.forPath(root.toString());
    t.createIfAbsent("items", ITEMS, Map.of());
    return t;
  }

  /** Commits one file of {@code rows} rows with ids {@code first}, {@code first}0, ... */
  private void commitFile(DeltaTable t, long batch, String... ids) {
    List<DataFile> files;
    try (DeltaFileWriter w = new DeltaFileWriter(root.toString(), ITEMS, 1L << 20, "part-t")) {
      for (String id : ids) {
        w.write(new Object[] {id, (long) id.length()});
      }
      files = w.finish();
    }
    t.commit("test", batch, files, DeltaTable.WRITE, Map.of());
  }

  @Test
  void smallNeighboursArePackedInKeyOrderWithoutChangingTheRowsOrTheChanges() throws IOException {
    DeltaTable t = table();
    commitFile(t, 1, "g", "h");
    commitFile(t, 2, "a", "b");
    List<String> big = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      big.add(String.format("e%05d", i));
    }
    commitFile(t, 3, big.toArray(String[]::new));
    commitFile(t, 4, "c", "d");
    commitFile(t, 5, "i", "j");
    long before = t.version();
    long bigBytes = t.files().stream().mapToLong(DataFile::sizeBytes).max().orElseThrow();
    long small = t.files().stream().mapToLong(DataFile::sizeBytes).min().orElseThrow();
    // The big file is more than half the target, four small ones fit in it twice over.
    long target = Math.max(bigBytes + 1, 8 * small);
    assertThat(bigBytes).isGreaterThanOrEqualTo(target / 2);
    Map<String, Long> rowsBefore = rows();

    TableMaintenance.Compacted c = new TableMaintenance(t).compact(target, "id");

    assertThat(c.filesBefore()).isEqualTo(5);
    assertThat(c.removed()).isEqualTo(4);
    assertThat(c.added()).isEqualTo(2);
    assertThat(c.filesAfter()).isEqualTo(3);
    assertThat(ranges()).containsExactly("a..d 4", "e00000..e02999 3000", "g..j 4");
    assertThat(rows()).isEqualTo(rowsBefore);
    // Nothing changed for a reader of changes, and the commit says so.
    assertThat(t.appendedSince(before).files()).isEmpty();
    List<Action> actions = actionsOf(c.version());
    assertThat(actions).filteredOn(a -> a instanceof AddFile).hasSize(2);
    assertThat(actions).filteredOn(a -> a instanceof RemoveFile).hasSize(4);
    assertThat(actions)
        .allSatisfy(
            a -> {
              if (a instanceof AddFile f) {
                assertThat(f.isDataChange()).isFalse();
              } else if (a instanceof RemoveFile f) {
                assertThat(f.isDataChange()).isFalse();
              }
            });

    TableMaintenance.Compacted again = new TableMaintenance(t).compact(target, "id");
    assertThat(again.removed()).isZero();
  }

  @Test
  void vacuumDeletesOrphansAndOldRemovedFilesButKeepsWhatARecentVersionNeeds() throws IOException {
    DeltaTable t = table();
    commitFile(t, 1, "a");
    commitFile(t, 2, "b");
    // A crash between writing a file and committing it leaves an orphan, written long ago.
    Path orphan;
    try (DeltaFileWriter w = new DeltaFileWriter(root.toString(), ITEMS, 1L << 20, "part-crash")) {
      w.write(new Object[] {"z", 1L});
      orphan = root.resolve(w.finish().get(0).path());
    }
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofDays(8))));
    List<Path> compacted = new ArrayList<>();
    for (DataFile f : t.files()) {
      compacted.add(root.resolve(f.path()));
    }
    new TableMaintenance(t).compact(1L << 20, null);
    assertThat(t.files()).hasSize(1);

    assertThatThrownBy(() -> new TableMaintenance(t).vacuum(Duration.ofHours(1), false, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below 7 days")
        .hasMessageContaining("--force");

    TableMaintenance.Vacuumed dry = new TableMaintenance(t).vacuum(Duration.ofDays(7), false, true);
    assertThat(dry.candidates()).isEqualTo(1);
    assertThat(orphan).exists();

    TableMaintenance.Vacuumed week =
        new TableMaintenance(t).vacuum(Duration.ofDays(7), false, false);
    assertThat(week.deleted()).isEqualTo(1);
    assertThat(orphan).doesNotExist();
    // Removed by the compaction just now: a reader of the version before it may need them.
    assertThat(compacted).allSatisfy(p -> assertThat(p).exists());

    TableMaintenance.Vacuumed none = new TableMaintenance(t).vacuum(Duration.ZERO, true, false);
    assertThat(none.deleted()).isEqualTo(2);
    assertThat(compacted).allSatisfy(p -> assertThat(p).doesNotExist());
    assertThat(rows()).containsOnlyKeys("a", "b");
  }

  @Test
  void aCheckpointIsWrittenForTheLatestVersion() {
    DeltaTable t = table();
    commitFile(t, 1, "a");
    commitFile(t, 2, "b");
    long version = t.checkpoint();
    assertThat(version).isEqualTo(2);
    assertThat(root.resolve("_delta_log/00000000000000000002.checkpoint.parquet")).exists();
    assertThat(root.resolve("_delta_log/_last_checkpoint")).exists();
  }

  @Test
  void mergedStatisticsTakeTheOuterBoundsAndSumTheCounts() throws IOException {
    String a =
        "{\"numRecords\":2,\"minValues\":{\"id\":\"b\",\"value\":5},"
            + "\"maxValues\":{\"id\":\"c\",\"value\":9},\"nullCount\":{\"id\":0,\"value\":1}}";
    String b =
        "{\"numRecords\":3,\"minValues\":{\"id\":\"a\",\"value\":7},"
            + "\"maxValues\":{\"value\":12},\"nullCount\":{\"id\":0,\"value\":2}}";
    JsonNode merged =
        JSON.readTree(
            TableMaintenance.mergedStats(
                List.of(
                    new DataFile("x", Map.of(), 1, 1, 2, a),
                    new DataFile("y", Map.of(), 1, 1, 3, b)),
                5));
    assertThat(merged)
        .isEqualTo(
            JSON.readTree(
                "{\"numRecords\":5,\"minValues\":{\"id\":\"a\",\"value\":5},"
                    + "\"maxValues\":{\"value\":12},\"nullCount\":{\"id\":0,\"value\":3}}"));
  }

  private List<Action> actionsOf(long version) {
    Iterator<VersionLog> it =
        DeltaLog.forTable(new Configuration(), root.toString()).getChanges(version, true);
    return it.next().getActions();
  }

  private List<String> ranges() throws IOException {
    return ItemFiles.ranges(root, true);
  }

  private Map<String, Long> rows() throws IOException {
    return ItemFiles.rows(root);
  }
}
