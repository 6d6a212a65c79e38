package io.ddb2delta.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ParquetRowReader} gives back, value for value, the hand-written rows of every type. */
class ParquetRowReaderTest {
  @TempDir Path root;

  private static final DeltaTableSchema UNPARTITIONED =
      new DeltaTableSchema(EveryTypeRows.SCHEMA.columns(), List.of());

  @Test
  void readsBackEveryTypeAsTheWriterTakesIt() {
    List<DataFile> files;
    try (DeltaFileWriter w = DeltaFileWriter.create(root.toString(), UNPARTITIONED)) {
      EveryTypeRows.ROWS.forEach(w::write);
      files = w.finish();
    }
    List<Object[]> back = new ArrayList<>();
    ParquetRowReader reader = new ParquetRowReader(UNPARTITIONED);
    for (DataFile f : files) {
      reader.read(root.toString(), f.path(), back::add);
    }

    assertThat(back).hasSize(3);
    for (int i = 0; i < 3; i++) {
      // deepToString compares byte[], lists and maps by their contents.
      assertThat(Arrays.deepToString(back.get(i)))
          .isEqualTo(Arrays.deepToString(EveryTypeRows.ROWS.get(i)));
    }
  }

  @Test
  void readsBackAPartitionedTablesRowsWithTheValuesOfTheirPartitions() {
    List<DataFile> files;
    try (DeltaFileWriter w = DeltaFileWriter.create(root.toString(), EveryTypeRows.SCHEMA)) {
      EveryTypeRows.ROWS.forEach(w::write);
      files = w.finish();
    }
    List<String> back = new ArrayList<>();
    ParquetRowReader reader = new ParquetRowReader(EveryTypeRows.SCHEMA);
    for (DataFile f : files) {
      reader.read(root.toString(), f, r -> back.add(Arrays.deepToString(r)));
    }

    assertThat(back)
        .containsExactlyInAnyOrderElementsOf(
            EveryTypeRows.ROWS.stream().map(Arrays::deepToString).toList());
  }

  @Test
  void aPartitionedTablesFileIsNotReadByItsPathAlone() {
    ParquetRowReader reader = new ParquetRowReader(EveryTypeRows.SCHEMA);
    assertThatThrownBy(() -> reader.read(root.toString(), "x.parquet", r -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event_date");
  }
}
