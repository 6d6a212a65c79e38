package io.ddb2delta.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class DataFileCoderTest {

  private static DataFile partitioned() {
    Map<String, String> partitions = new LinkedHashMap<>();
    partitions.put("table_name", "orders");
    partitions.put("event_date", null);
    return new DataFile(
        "table_name=orders/event_date=__HIVE_DEFAULT_PARTITION__/part-00000-u.c000.snappy.parquet",
        partitions,
        1234,
        1709294400000L,
        17,
        "{\"numRecords\":17,\"minValues\":{},\"maxValues\":{},\"nullCount\":{}}");
  }

  private static DataFile unpartitioned() {
    return new DataFile("part-00001-ü.c000.snappy.parquet", Map.of(), 0, 0, 0, "{}");
  }

  @Test
  void decodesWhatItEncodes() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(DataFileCoder.of(), partitioned());
    CoderProperties.coderDecodeEncodeEqual(DataFileCoder.of(), unpartitioned());
  }

  @Test
  void isDeterministic() throws Exception {
    assertThatCode(() -> DataFileCoder.of().verifyDeterministic()).doesNotThrowAnyException();
    CoderProperties.coderDeterministic(DataFileCoder.of(), partitioned(), partitioned());
  }

  @Test
  void isSerializable() {
    CoderProperties.coderSerializable(DataFileCoder.of());
  }

  @Test
  void keepsPartitionOrderAndNulls() throws Exception {
    DataFile decoded =
        CoderUtils.decodeFromByteArray(
            DataFileCoder.of(), CoderUtils.encodeToByteArray(DataFileCoder.of(), partitioned()));

    assertThat(decoded.partitionValues().keySet()).containsExactly("table_name", "event_date");
    assertThat(decoded.partitionValues()).containsEntry("event_date", null);
  }

  @Test
  void refusesAnAbsolutePath() {
    assertThatThrownBy(() -> new DataFile("/tmp/x.parquet", Map.of(), 1, 1, 1, "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relative");
  }
}
