package io.ddb2delta.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.model.DynamoValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportLineDecoderTest {
  private static final long EXPORT_TIME = 1_700_000_000_000_000L;

  private static ExportManifest manifest(ExportFormat format, boolean incremental) {
    return new ExportManifest(
        "/exports/AWSDynamoDB/01700000000000-abcd/",
        "01700000000000-abcd",
        null,
        null,
        "orders",
        format,
        incremental,
        EXPORT_TIME,
        0,
        List.of());
  }

  private static List<String> fixture(String name) {
    try (InputStream in =
        ExportLineDecoderTest.class.getResourceAsStream("/export-lines/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ExportLineDecoder decoder(ExportFormat format, boolean incremental) {
    return new ExportLineDecoder(manifest(format, incremental), List.of("order_id"));
  }

  @Test
  void fullJsonLineIsASnapshotAtExportTimeWithItsOriginalText() {
    String line = fixture("full-export-line.json").get(0);
    DecodedChange d = decoder(ExportFormat.DYNAMODB_JSON, false).decode(line, "data/a.json.gz", 3);
    ChangeRecord r = d.record();

    assertThat(r.op()).isEqualTo(Op.SNAPSHOT);
    assertThat(r.tableName()).isEqualTo("orders");
    assertThat(r.eventTimeMicros()).isEqualTo(EXPORT_TIME);
    assertThat(r.keys())
        .containsExactly(java.util.Map.entry("order_id", new DynamoValue.S("ord-1")));
    assertThat(r.newImage().get("amount")).isEqualTo(DynamoValue.N.of("19.99"));
    assertThat(r.newImage().get("gone")).isEqualTo(DynamoValue.Null.INSTANCE);
    assertThat(r.oldImage()).isNull();
    assertThat(r.source()).isEqualTo(SourceKind.EXPORT);
    assertThat(r.position().toString())
        .isEqualTo("export 01700000000000-abcd file data/a.json.gz line 3");
    assertThat(r.eventId()).isEqualTo("01700000000000-abcd:data/a.json.gz:3");
    assertThat(d.raw().newImage())
        .isEqualTo(
            "{\"order_id\":{\"S\":\"ord-1\"},\"amount\":{\"N\":\"19.99\"},\"tags\":{\"SS\":[\"a\",\"b\"]},"
                + "\"blob\":{\"B\":\"AQID\"},\"gone\":{\"NULL\":true}}");
  }

  @Test
  void ionLineDecodesToTheSameItemAsItsJsonTwin() {
    ChangeRecord json =
        decoder(ExportFormat.DYNAMODB_JSON, false)
            .decode(fixture("full-export-line.json").get(0), "f", 1)
            .record();
    ChangeRecord ion =
        decoder(ExportFormat.ION, false)
            .decode(fixture("full-export-line.ion").get(0), "f", 1)
            .record();

    assertThat(ion.newImage()).isEqualTo(json.newImage());
    assertThat(((DynamoValue.N) ion.newImage().get("amount")).decimal())
        .isEqualByComparingTo(new BigDecimal("19.99"));
    assertThat(ion.newImage().get("blob")).isEqualTo(DynamoValue.B.of(new byte[] {1, 2, 3}));
  }

  @Test
  void incrementalLinesBecomeInsertModifyRemoveAtTheirWriteTime() {
    List<String> lines = fixture("incremental-lines.jsonl");
    ExportLineDecoder decoder = decoder(ExportFormat.DYNAMODB_JSON, true);

    ChangeRecord insert = decoder.decode(lines.get(0), "f", 1).record();
    ChangeRecord modify = decoder.decode(lines.get(1), "f", 2).record();
    ChangeRecord remove = decoder.decode(lines.get(2), "f", 3).record();

    assertThat(insert.op()).isEqualTo(Op.INSERT);
    assertThat(insert.eventTimeMicros()).isEqualTo(1_699_370_798_123_456L);
    assertThat(modify.op()).isEqualTo(Op.MODIFY);
    assertThat(modify.oldImage().get("status")).isEqualTo(new DynamoValue.S("pending"));
    assertThat(modify.newImage().get("status")).isEqualTo(new DynamoValue.S("shipped"));
    assertThat(remove.op()).isEqualTo(Op.REMOVE);
    assertThat(remove.newImage()).isNull();
    assertThat(remove.eventTimeMicros()).isEqualTo(1_699_370_798_323_456L);
  }

  @Test
  void everyBadLineHasACategoryAndAReason() {
    List<String> lines = fixture("bad-lines.jsonl");
    ExportLineDecoder decoder = decoder(ExportFormat.DYNAMODB_JSON, false);
    String[][] expected = {
      {DecodeException.MALFORMED_JSON, "malformed JSON"},
      {DecodeException.INVALID_VALUE, "\"X\""},
      {DecodeException.INVALID_VALUE, "39 significant digits"},
      {DecodeException.INVALID_VALUE, "duplicate"},
      {DecodeException.INVALID_VALUE, "base64"},
      {DecodeException.MISSING_KEY, "no key attribute \"order_id\""},
      {DecodeException.INVALID_SHAPE, "no \"Item\""},
    };
    for (int i = 0; i < expected.length; i++) {
      String line = lines.get(i);
      String[] e = expected[i];
      assertThatThrownBy(() -> decoder.decode(line, "f", 1))
          .as("line %d", i + 1)
          .isInstanceOf(DecodeException.class)
          .hasMessageContaining(e[1])
          .satisfies(t -> assertThat(((DecodeException) t).errorClass()).isEqualTo(e[0]));
    }
  }

  @Test
  void malformedIonIsCategorised() {
    assertThatThrownBy(
            () -> decoder(ExportFormat.ION, false).decode("$ion_1_0 {Item:{order_id:\"x\"", "f", 1))
        .isInstanceOf(DecodeException.class)
        .satisfies(
            t ->
                assertThat(((DecodeException) t).errorClass())
                    .isEqualTo(DecodeException.MALFORMED_ION));
  }
}
