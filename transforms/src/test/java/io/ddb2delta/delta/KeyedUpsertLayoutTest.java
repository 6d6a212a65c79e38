package io.ddb2delta.delta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link KeyedUpsert} lays a table out: files keep key ranges apart, a batch reads only the
 * files whose range holds one of its keys and rewrites only those where a change applies, and new
 * keys between ranges become files of their own or join a small neighbour. The expected files and
 * rows are worked out by hand; delta-standalone lists the files, parquet-avro reads the rows.
 */
class KeyedUpsertLayoutTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DeltaTableSchema ITEMS =
      new DeltaTableSchema(
          List.of(
              DeltaColumn.required("id", DeltaType.STRING),
              DeltaColumn.of("value", DeltaType.LONG),
              DeltaColumn.required("_version", DeltaType.LONG)),
          List.of());

  @TempDir Path root;

  private KeyedUpsert upsert(long targetFileBytes) {
    DeltaTable.forPath(root.toString()).createIfAbsent("items", ITEMS, Map.of());
    return KeyedUpsert.into(root.toString(), ITEMS, List.of("id"))
        .withVersionColumn("_version")
        .withTargetFileBytes(targetFileBytes);
  }

  private static List<KeyedUpsert.Change> puts(KeyedUpsert u, long version, String... ids) {
    List<KeyedUpsert.Change> out = new ArrayList<>();
    for (String id : ids) {
      out.add(u.put(new Object[] {id, version * 10, version}));
    }
    return out;
  }

  @Test
  void aBatchRewritesOnlyTheRangesItChangesAndNewKeysBetweenRangesGetFilesOfTheirOwn()
      throws IOException {
    // A target of 1 byte: no file is small enough to take a neighbour's new keys.
    KeyedUpsert u = upsert(1);
    u.apply("t", 1, puts(u, 1, "a", "b", "c"));
    u.apply("t", 2, puts(u, 2, "m", "n"));
    u.apply("t", 3, puts(u, 3, "x", "y"));
    assertThat(ranges()).containsExactly("a..c", "m..n", "x..y");

    List<KeyedUpsert.Change> batch = new ArrayList<>();
    batch.add(u.put(new Object[] {"n", 44L, 4L}));
    batch.add(u.put(new Object[] {"p", 44L, 4L}));
    batch.add(u.delete(List.of("b"), 4L));
    batch.add(u.put(new Object[] {"y", 0L, 1L})); // older than y's row: read, not rewritten
    Map<String, Long> m = u.apply("t", 4, batch).metrics();

    assertThat(m)
        .containsEntry("numTargetFilesBeforeSkipping", 3L)
        .containsEntry("numTargetFilesAfterSkipping", 3L)
        .containsEntry("numTargetFilesRemoved", 2L)
        .containsEntry("numTargetFilesAdded", 3L)
        .containsEntry("numTargetRowsUpdated", 1L)
        .containsEntry("numTargetRowsDeleted", 1L)
        .containsEntry("numTargetRowsInserted", 1L)
        .containsEntry("numTargetRowsCopied", 3L); // a, c and m; b deleted, n replaced
    assertThat(ranges()).containsExactly("a..c", "m..n", "p..p", "x..y");
    assertThat(rows())
        .isEqualTo(
            new TreeMap<>(
                Map.of("a", 10L, "c", 10L, "m", 20L, "n", 44L, "p", 44L, "x", 30L, "y", 30L)));

    Map<String, Long> one = u.apply("t", 5, List.of(u.put(new Object[] {"x", 55L, 5L}))).metrics();
    assertThat(one)
        .containsEntry("numTargetFilesBeforeSkipping", 4L)
        .containsEntry("numTargetFilesAfterSkipping", 1L)
        .containsEntry("numTargetFilesRemoved", 1L)
        .containsEntry("numTargetRowsCopied", 1L);
  }

  @Test
  void newKeysPastTheEndJoinASmallLastFile() throws IOException {
    KeyedUpsert u = upsert(128L << 20);
    u.apply("t", 1, puts(u, 1, "a", "b"));
    Map<String, Long> m = u.apply("t", 2, puts(u, 2, "y", "z")).metrics();
    assertThat(m)
        .containsEntry("numTargetFilesRemoved", 1L)
        .containsEntry("numTargetFilesAdded", 1L)
        .containsEntry("numTargetRowsInserted", 2L)
        .containsEntry("numTargetRowsCopied", 2L);
    assertThat(ranges()).containsExactly("a..z");
  }

  @Test
  void filesWhoseRangesOverlapAreRewrittenTogetherIntoOneRange() throws IOException {
    KeyedUpsert u = upsert(1);
    u.apply("t", 1, puts(u, 1, "a", "m"));
    // Written around the upsert, as an older layout might be: a file overlapping a..m.
    DeltaTable table = DeltaTable.forPath(root.toString());
    List<DataFile> files;
    try (DeltaFileWriter w = new DeltaFileWriter(root.toString(), ITEMS, 1L << 20, "part-old")) {
      w.write(new Object[] {"f", 60L, 1L});
      w.write(new Object[] {"q", 60L, 1L});
      files = w.finish();
    }
    table.commit("other", 1, files, DeltaTable.WRITE, Map.of());
    assertThat(ranges()).containsExactly("a..m", "f..q");

    Map<String, Long> m = u.apply("t", 2, List.of(u.put(new Object[] {"b", 22L, 2L}))).metrics();
    assertThat(m)
        .containsEntry("numTargetFilesAfterSkipping", 2L)
        .containsEntry("numTargetFilesRemoved", 2L)
        .containsEntry("numTargetFilesAdded", 1L);
    assertThat(ranges()).containsExactly("a..q");
    assertThat(rows()).containsOnlyKeys("a", "b", "f", "m", "q");
  }

  private List<String> ranges() throws IOException {
    return ItemFiles.ranges(root, false);
  }

  private Map<String, Long> rows() throws IOException {
    return ItemFiles.rows(root);
  }
}
