package io.ddb2delta.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.storage.CloseableIterator;
import java.io.FileNotFoundException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalLogStoreTest {
  private final Configuration conf = new Configuration(false);
  private final NioLocalLogStore store = new NioLocalLogStore(conf);

  private static List<String> lines(CloseableIterator<String> it) throws Exception {
    List<String> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void writesOnceReadsBackAndListsInNameOrder(@TempDir java.nio.file.Path dir) throws Exception {
    Path log = new Path(dir.resolve("_delta_log").toUri());
    Path v0 = new Path(log, "00000000000000000000.json");
    Path v1 = new Path(log, "00000000000000000001.json");
    store.write(v1, List.of("{\"b\":1}").iterator(), false, conf);
    store.write(v0, List.of("{\"a\":1}", "{\"a\":2}").iterator(), false, conf);

    assertThat(lines(store.read(v0, conf))).containsExactly("{\"a\":1}", "{\"a\":2}");
    assertThatThrownBy(() -> store.write(v0, List.of("x").iterator(), false, conf))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(lines(store.read(v0, conf))).containsExactly("{\"a\":1}", "{\"a\":2}");

    store.write(v0, List.of("{\"c\":1}").iterator(), true, conf);
    assertThat(lines(store.read(v0, conf))).containsExactly("{\"c\":1}");

    List<String> names = new ArrayList<>();
    store.listFrom(v0, conf).forEachRemaining((FileStatus s) -> names.add(s.getPath().getName()));
    assertThat(names).containsExactly("00000000000000000000.json", "00000000000000000001.json");
    names.clear();
    store.listFrom(v1, conf).forEachRemaining((FileStatus s) -> names.add(s.getPath().getName()));
    assertThat(names).containsExactly("00000000000000000001.json");
    // No temporary files are left behind.
    try (var files = Files.list(dir.resolve("_delta_log"))) {
      assertThat(files.count()).isEqualTo(2);
    }
    // Files delta-standalone writes itself, without this store (checkpoints), would be seen half
    // written on a local disk: saying so makes it write them to a temporary file and rename.
    assertThat(store.isPartialWriteVisible(v0, conf)).isTrue();
  }

  @Test
  void missingFilesAndFoldersAreNotFound(@TempDir java.nio.file.Path dir) {
    Path missing = new Path(dir.resolve("nope/00000000000000000000.json").toUri());
    assertThatThrownBy(() -> store.read(missing, conf)).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> store.listFrom(missing, conf))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void deltaTablesUseItForLocalPaths(@TempDir java.nio.file.Path dir) throws Exception {
    DeltaTable table = DeltaTable.forPath(dir.resolve("t").toString());
    table.createIfAbsent(
        "t",
        new DeltaTableSchema(List.of(DeltaColumn.of("x", DeltaType.STRING)), List.of()),
        java.util.Map.of());
    assertThat(
            table
                .commit("app", 1, List.of(), DeltaTable.STREAMING_UPDATE, java.util.Map.of())
                .committed())
        .isTrue();
    assertThat(
            table
                .commit("app", 1, List.of(), DeltaTable.STREAMING_UPDATE, java.util.Map.of())
                .committed())
        .isFalse();
    assertThat(table.txnVersion("app")).isEqualTo(1);
    // Hadoop's checksummed local store would have left .crc files beside the commits.
    try (var files = Files.list(dir.resolve("t/_delta_log"))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".crc"));
    }
  }
}
