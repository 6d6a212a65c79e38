package io.ddb2delta.delta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.actions.AddFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * A table of {@code id} (string) and {@code value} (long) rows as the layout tests see it:
 * delta-standalone lists its files and their statistics, parquet-avro reads the rows.
 */
final class ItemFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ItemFiles() {}

  /** Each file's id range from its statistics, "min..max" and, if asked, its rows, sorted. */
  static List<String> ranges(Path root, boolean withCounts) throws IOException {
    List<String> out = new ArrayList<>();
    for (AddFile f :
        DeltaLog.forTable(new Configuration(), root.toString()).update().getAllFiles()) {
      JsonNode stats = JSON.readTree(f.getStats());
      out.add(
          stats.path("minValues").path("id").asText()
              + ".."
              + stats.path("maxValues").path("id").asText()
              + (withCounts ? " " + stats.path("numRecords").asLong() : ""));
    }
    out.sort(null);
    return out;
  }

  /** Every row, id to value; fails on a second row of one id. */
  static Map<String, Long> rows(Path root) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    for (AddFile f :
        DeltaLog.forTable(new Configuration(), root.toString()).update().getAllFiles()) {
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(new LocalInputFile(root.resolve(f.getPath())))
              .withDataModel(GenericData.get())
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          assertThat(out.put(r.get("id").toString(), (Long) r.get("value")))
              .as("one row per id")
              .isNull();
        }
      }
    }
    return out;
  }
}
