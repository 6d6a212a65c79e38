package io.ddb2delta.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Conversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaFileWriterTest {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @TempDir Path root;

  private List<DataFile> writeAll(DeltaTableSchema schema, long target, List<Object[]> rows) {
    try (DeltaFileWriter w = new DeltaFileWriter(root.toString(), schema, target, "part")) {
      rows.forEach(w::write);
      return w.finish();
    }
  }

  private static ParquetMetadata footer(Path file) throws IOException {
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
      return r.getFooter();
    }
  }

  private Path onDisk(DataFile f) {
    // add.path is a URI path; decode it as every Delta reader does.
    return root.resolve(java.net.URI.create(f.path()).getPath());
  }

  @Test
  void writesTheTypesSparkReadsForEachDeltaType() throws IOException {
    List<DataFile> files = writeAll(EveryTypeRows.SCHEMA, 1L << 20, EveryTypeRows.ROWS);

    assertThat(files).hasSize(3);
    DataFile first =
        files.stream()
            .filter(f -> "2024-03-01".equals(f.partitionValues().get("event_date")))
            .findFirst()
            .orElseThrow();
    MessageType schema = footer(onDisk(first)).getFileMetaData().getSchema();
    assertThat(schema.getFields().stream().map(Type::getName))
        .containsExactly(
            "order_id",
            "amount",
            "big_amount",
            "quantity",
            "line_count",
            "score",
            "gift",
            "payload",
            "created_at",
            "ship_date",
            "tags",
            "attributes");

    PrimitiveType createdAt = schema.getType("created_at").asPrimitiveType();
    assertThat(createdAt.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT64);
    assertThat(createdAt.getLogicalTypeAnnotation())
        .isEqualTo(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS));

    PrimitiveType amount = schema.getType("amount").asPrimitiveType();
    assertThat(amount.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY);
    assertThat(amount.getTypeLength()).isEqualTo(5);
    assertThat(amount.getLogicalTypeAnnotation())
        .isEqualTo(LogicalTypeAnnotation.decimalType(2, 10));
    assertThat(schema.getType("big_amount").asPrimitiveType().getTypeLength()).isEqualTo(16);

    PrimitiveType shipDate = schema.getType("ship_date").asPrimitiveType();
    assertThat(shipDate.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT32);
    assertThat(shipDate.getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.dateType());

    PrimitiveType orderId = schema.getType("order_id").asPrimitiveType();
    assertThat(orderId.getRepetition()).isEqualTo(Type.Repetition.REQUIRED);
    assertThat(orderId.getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.stringType());
    assertThat(schema.getType("payload").asPrimitiveType().getPrimitiveTypeName())
        .isEqualTo(PrimitiveTypeName.BINARY);
    assertThat(schema.getType("payload").getRepetition()).isEqualTo(Type.Repetition.OPTIONAL);

    GroupType tags = schema.getType("tags").asGroupType();
    assertThat(tags.getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.listType());
    GroupType list = tags.getType("list").asGroupType();
    assertThat(list.getRepetition()).isEqualTo(Type.Repetition.REPEATED);
    assertThat(list.getType("element").getRepetition()).isEqualTo(Type.Repetition.OPTIONAL);

    GroupType attributes = schema.getType("attributes").asGroupType();
    assertThat(attributes.getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.mapType());
    GroupType keyValue = attributes.getType(0).asGroupType();
    assertThat(keyValue.getType("key").getRepetition()).isEqualTo(Type.Repetition.REQUIRED);
    assertThat(keyValue.getType("key").getLogicalTypeAnnotation())
        .isEqualTo(LogicalTypeAnnotation.stringType());

    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(new LocalInputFile(onDisk(first)))
            .withDataModel(GenericData.get())
            .build()) {
      GenericRecord r = reader.read();
      // 2024-03-01T00:00:00Z is 1709251200 s; add 12:34:56.789123.
      assertThat(r.get("created_at"))
          .isEqualTo((1709251200L + 12 * 3600 + 34 * 60 + 56) * 1_000_000L + 789_123);
      assertThat(r.get("ship_date")).isEqualTo((int) LocalDate.of(2024, 3, 5).toEpochDay());
    }

    for (BlockMetaData block : footer(onDisk(first)).getBlocks()) {
      for (ColumnChunkMetaData column : block.getColumns()) {
        assertThat(column.getCodec()).isEqualTo(CompressionCodecName.SNAPPY);
      }
    }
  }

  @Test
  void keepsAll38DigitsOfADecimal() throws IOException {
    DeltaTableSchema schema =
        new DeltaTableSchema(
            List.of(DeltaColumn.of("big", new DeltaType.Decimal(38, 6))), List.of());
    List<Object[]> rows =
        List.of(
            new Object[] {new BigDecimal("12345678901234567890123456789012.123456")},
            new Object[] {new BigDecimal("-99999999999999999999999999999999.999999")});

    DataFile file = writeAll(schema, 1L << 20, rows).get(0);

    List<BigDecimal> read = new ArrayList<>();
    Conversions.DecimalConversion decimals = new Conversions.DecimalConversion();
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(new LocalInputFile(onDisk(file)))
            .withDataModel(GenericData.get())
            .build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        GenericFixed fixed = (GenericFixed) r.get("big");
        read.add(decimals.fromFixed(fixed, fixed.getSchema(), fixed.getSchema().getLogicalType()));
      }
    }
    assertThat(read)
        .containsExactly(
            new BigDecimal("12345678901234567890123456789012.123456"),
            new BigDecimal("-99999999999999999999999999999999.999999"));
    assertThat(file.statsJson())
        .contains("\"big\":-99999999999999999999999999999999.999999")
        .contains("\"big\":12345678901234567890123456789012.123456");
  }

  @Test
  void putsEachPartitionInItsOwnHiveDirectory() throws IOException {
    List<DataFile> files = writeAll(EveryTypeRows.SCHEMA, 1L << 20, EveryTypeRows.ROWS);

    assertThat(files)
        .extracting(f -> f.partitionValues().get("event_date"))
        .containsExactlyInAnyOrder("2024-03-01", null, "2024-03-02");
    assertThat(files.size()).isEqualTo(3);
    for (DataFile f : files) {
      String dir =
          f.partitionValues().get("event_date") == null
              ? "event_date=__HIVE_DEFAULT_PARTITION__/"
              : "event_date=" + f.partitionValues().get("event_date") + "/";
      assertThat(f.path()).startsWith(dir).endsWith(".c000.snappy.parquet");
      assertThat(f.path().substring(dir.length())).matches("part-\\d{5}-[0-9a-f-]{36}\\.c000.*");
      assertThat(Files.size(onDisk(f))).isEqualTo(f.sizeBytes());
      assertThat(f.numRecords()).isEqualTo(1);
      assertThat(footer(onDisk(f)).getBlocks().get(0).getRowCount()).isEqualTo(1);
    }
  }

  @Test
  void escapesPartitionValuesAsHiveAndEncodesThePathAsAUri() throws IOException {
    DeltaTableSchema schema =
        new DeltaTableSchema(
            List.of(
                DeltaColumn.of("id", DeltaType.LONG), DeltaColumn.of("region", DeltaType.STRING)),
            List.of("region"));

    List<DataFile> files =
        writeAll(
            schema, 1L << 20, List.of(new Object[] {1L, "eu west/1:a"}, new Object[] {2L, ""}));

    DataFile escaped =
        files.stream()
            .filter(f -> f.partitionValues().get("region") != null)
            .findFirst()
            .orElseThrow();
    assertThat(escaped.partitionValues()).containsEntry("region", "eu west/1:a");
    assertThat(escaped.path()).startsWith("region=eu%20west%252F1%253Aa/part-");
    assertThat(root.resolve("region=eu west%2F1%3Aa")).isDirectory();
    assertThat(Files.size(onDisk(escaped))).isEqualTo(escaped.sizeBytes());

    DataFile empty =
        files.stream()
            .filter(f -> f.partitionValues().get("region") == null)
            .findFirst()
            .orElseThrow();
    assertThat(empty.partitionValues()).containsEntry("region", null);
    assertThat(empty.path()).startsWith("region=__HIVE_DEFAULT_PARTITION__/part-");
  }

  @Test
  void rollsToANewFileAtTheTargetSize() throws IOException {
    DeltaTableSchema schema =
        new DeltaTableSchema(
            List.of(DeltaColumn.of("id", DeltaType.LONG), DeltaColumn.of("note", DeltaType.STRING)),
            List.of());
    List<Object[]> rows =
        Stream.iterate(0L, i -> i + 1)
            .limit(2000)
            .map(i -> new Object[] {i, "note number " + i + " with some padding to fill pages"})
            .toList();

    List<DataFile> files = writeAll(schema, 8 * 1024, rows);

    assertThat(files).hasSizeGreaterThan(2);
    assertThat(files.stream().mapToLong(DataFile::numRecords).sum()).isEqualTo(2000);
    for (DataFile f : files) {
      long rowsInFile =
          footer(onDisk(f)).getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
      assertThat(rowsInFile).isEqualTo(f.numRecords());
    }
    assertThat(files).extracting(DataFile::path).doesNotHaveDuplicates();
  }

  @Test
  void statsHoldMinMaxAndNullCountsForKnownData() throws IOException {
    DeltaTableSchema schema =
        new DeltaTableSchema(
            List.of(
                DeltaColumn.of("qty", DeltaType.LONG),
                DeltaColumn.of("n", DeltaType.INT),
                DeltaColumn.of("score", DeltaType.DOUBLE),
                DeltaColumn.of("name", DeltaType.STRING),
                DeltaColumn.of("amount", new DeltaType.Decimal(10, 2)),
                DeltaColumn.of("day", DeltaType.DATE),
                DeltaColumn.of("flag", DeltaType.BOOLEAN),
                DeltaColumn.of("blob", DeltaType.BINARY),
                DeltaColumn.of("tags", new DeltaType.Array(DeltaType.STRING))),
            List.of());
    List<Object[]> rows =
        List.of(
            new Object[] {
              5L,
              3,
              1.5,
              "banana",
              new BigDecimal("12.34"),
              EveryTypeRows.days("2024-03-05"),
              true,
              new byte[] {1},
              List.of("x")
            },
            new Object[] {
              -3L,
              null,
              -2.25,
              "apple",
              new BigDecimal("-0.99"),
              EveryTypeRows.days("2023-12-31"),
              null,
              null,
              null
            },
            new Object[] {
              42L, 7, null, "cherry", new BigDecimal("100.00"), null, false, new byte[] {2}, null
            },
            new Object[] {null, null, null, null, null, null, null, null, null});

    String json = writeAll(schema, 1L << 20, rows).get(0).statsJson();
    JsonNode stats = JSON.readTree(json);

    assertThat(stats.get("numRecords").asLong()).isEqualTo(4);
    JsonNode min = stats.get("minValues");
    JsonNode max = stats.get("maxValues");
    assertThat(min.get("qty").asLong()).isEqualTo(-3);
    assertThat(max.get("qty").asLong()).isEqualTo(42);
    assertThat(min.get("n").asInt()).isEqualTo(3);
    assertThat(max.get("n").asInt()).isEqualTo(7);
    assertThat(min.get("score").decimalValue()).isEqualByComparingTo("-2.25");
    assertThat(max.get("score").decimalValue()).isEqualByComparingTo("1.5");
    assertThat(min.get("name").asText()).isEqualTo("apple");
    assertThat(max.get("name").asText()).isEqualTo("cherry");
    assertThat(json).contains("\"amount\":-0.99").contains("\"amount\":100.00");
    assertThat(min.get("day").asText()).isEqualTo("2023-12-31");
    assertThat(max.get("day").asText()).isEqualTo("2024-03-05");
    assertThat(min.has("flag")).isFalse();
    assertThat(min.has("blob")).isFalse();
    assertThat(max.has("tags")).isFalse();

    JsonNode nulls = stats.get("nullCount");
    assertThat(nulls.get("qty").asLong()).isEqualTo(1);
    assertThat(nulls.get("n").asLong()).isEqualTo(2);
    assertThat(nulls.get("score").asLong()).isEqualTo(2);
    assertThat(nulls.get("day").asLong()).isEqualTo(2);
    assertThat(nulls.get("flag").asLong()).isEqualTo(2);
    assertThat(nulls.get("blob").asLong()).isEqualTo(2);
    assertThat(nulls.get("tags").asLong()).isEqualTo(3);
  }

  @Test
  void statsCutLongStringMinsAndDropLongStringMaxes() throws IOException {
    DeltaTableSchema schema =
        new DeltaTableSchema(
            List.of(
                DeltaColumn.of("long_max", DeltaType.STRING),
                DeltaColumn.of("long_min", DeltaType.STRING)),
            List.of());
    String fortyZ = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
    String fortyA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    JsonNode stats =
        JSON.readTree(
            writeAll(
                    schema,
                    1L << 20,
                    List.of(new Object[] {"b", fortyA}, new Object[] {fortyZ, "c"}))
                .get(0)
                .statsJson());

    assertThat(stats.get("minValues").get("long_max").asText()).isEqualTo("b");
    assertThat(stats.get("maxValues").has("long_max")).isFalse();
    assertThat(stats.get("minValues").get("long_min").asText())
        .isEqualTo("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assertThat(stats.get("maxValues").get("long_min").asText()).isEqualTo("c");
  }

  @Test
  void statsRoundTimestampsOutwardsToTheMillisecond() throws IOException {
    DeltaTableSchema schema =
        new DeltaTableSchema(List.of(DeltaColumn.of("at", DeltaType.TIMESTAMP)), List.of());

    JsonNode stats =
        JSON.readTree(
            writeAll(
                    schema,
                    1L << 20,
                    List.of(
                        new Object[] {EveryTypeRows.micros("2024-03-01T12:34:56.789123Z")},
                        new Object[] {EveryTypeRows.micros("2024-03-01T12:34:57.000001Z")},
                        new Object[] {EveryTypeRows.micros("2024-03-01T12:34:56.900000Z")}))
                .get(0)
                .statsJson());

    assertThat(stats.get("minValues").get("at").asText()).isEqualTo("2024-03-01T12:34:56.789Z");
    assertThat(stats.get("maxValues").get("at").asText()).isEqualTo("2024-03-01T12:34:57.001Z");
  }

  @Test
  void statsRoundTimestampsBeforeTheEpochDown() throws IOException {
    DeltaTableSchema schema =
        new DeltaTableSchema(List.of(DeltaColumn.of("at", DeltaType.TIMESTAMP)), List.of());

    JsonNode stats =
        JSON.readTree(
            writeAll(schema, 1L << 20, List.of(new Object[] {-1L}, new Object[] {-1L}))
                .get(0)
                .statsJson());

    assertThat(stats.get("minValues").get("at").asText()).isEqualTo("1969-12-31T23:59:59.999Z");
    assertThat(stats.get("maxValues").get("at").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
  }

  @Test
  void statsLeaveOutBoundsOfADoubleColumnWithNaN() throws IOException {
    DeltaTableSchema schema =
        new DeltaTableSchema(List.of(DeltaColumn.of("x", DeltaType.DOUBLE)), List.of());

    JsonNode stats =
        JSON.readTree(
            writeAll(schema, 1L << 20, List.of(new Object[] {1.0}, new Object[] {Double.NaN}))
                .get(0)
                .statsJson());

    assertThat(stats.get("minValues").has("x")).isFalse();
    assertThat(stats.get("maxValues").has("x")).isFalse();
    assertThat(stats.get("nullCount").get("x").asLong()).isZero();
  }

  @Test
  void refusesBadValuesNamingTheColumnAndKeepsWriting() {
    try (DeltaFileWriter w =
        new DeltaFileWriter(root.toString(), EveryTypeRows.SCHEMA, 1L << 20, "part")) {
      Object[] wrongScale = EveryTypeRows.FIRST.clone();
      wrongScale[1] = new BigDecimal("12.345");
      assertThatThrownBy(() -> w.write(wrongScale))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"amount\"")
          .hasMessageContaining("scale 3");

      Object[] tooManyDigits = EveryTypeRows.FIRST.clone();
      tooManyDigits[1] = new BigDecimal("123456789.00");
      assertThatThrownBy(() -> w.write(tooManyDigits))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"amount\"")
          .hasMessageContaining("decimal(10,2)");

      Object[] wrongType = EveryTypeRows.FIRST.clone();
      wrongType[3] = 5;
      assertThatThrownBy(() -> w.write(wrongType))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"quantity\"")
          .hasMessageContaining("java.lang.Integer");

      Object[] wrongElement = EveryTypeRows.FIRST.clone();
      wrongElement[10] = List.of("a", 1);
      assertThatThrownBy(() -> w.write(wrongElement))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"tags\"");

      Object[] nullId = EveryTypeRows.FIRST.clone();
      nullId[0] = null;
      assertThatThrownBy(() -> w.write(nullId))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"order_id\"")
          .hasMessageContaining("not nullable");

      Object[] wrongPartitionType = EveryTypeRows.FIRST.clone();
      wrongPartitionType[12] = "2024-03-01";
      assertThatThrownBy(() -> w.write(wrongPartitionType))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"event_date\"");

      w.write(EveryTypeRows.FIRST);
      List<DataFile> files = w.finish();
      assertThat(files).hasSize(1);
      assertThat(files.get(0).numRecords()).isEqualTo(1);
    }
  }

  @Test
  void closeWithoutFinishDeletesEveryFileWritten() throws IOException {
    DeltaTableSchema schema =
        new DeltaTableSchema(
            List.of(DeltaColumn.of("id", DeltaType.LONG), DeltaColumn.of("note", DeltaType.STRING)),
            List.of());
    try (DeltaFileWriter w = new DeltaFileWriter(root.toString(), schema, 2048, "part")) {
      for (long i = 0; i < 2000; i++) {
        w.write(new Object[] {i, "a note long enough to roll files " + i});
      }
    }

    try (Stream<Path> left = Files.walk(root)) {
      assertThat(left.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void finishWithNoRowsWritesNoFiles() {
    try (DeltaFileWriter w = DeltaFileWriter.create(root.toString(), EveryTypeRows.SCHEMA)) {
      assertThat(w.finish()).isEmpty();
    }
  }
}
