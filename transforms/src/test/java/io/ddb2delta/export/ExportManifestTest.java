package io.ddb2delta.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExportManifestTest {

  private static String folder(String fixture) {
    try {
      return Path.of(ExportManifestTest.class.getResource("/exports/" + fixture).toURI())
              .resolve("AWSDynamoDB/01700000000000-fixture")
          + "/";
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readsSummaryAndResolvesPrefixedKeysUnderTheFolder() {
    String folder = folder("prefixed-keys");
    ExportManifest m = ExportManifest.read(folder, null);

    assertThat(m.exportId()).isEqualTo("01700000000000-fixture");
    assertThat(m.tableName()).isEqualTo("orders");
    assertThat(m.format()).isEqualTo(ExportFormat.DYNAMODB_JSON);
    assertThat(m.incremental()).isFalse();
    // 2023-11-14T22:13:20Z is 1700000000 seconds after the epoch.
    assertThat(m.exportTimeMicros()).isEqualTo(1_700_000_000_000_000L);
    assertThat(m.itemCount()).isEqualTo(5);
    assertThat(m.files())
        .extracting(ExportDataFile::location)
        .containsExactly(
            folder + "data/aaaa.json.gz",
            folder + "data/bbbb.json.gz",
            folder + "data/cccc.json.gz");
    assertThat(m.files()).extracting(ExportDataFile::itemCount).containsExactly(3L, 2L, 0L);
  }

  @Test
  void tableNameOverrideWins() {
    assertThat(ExportManifest.read(folder("prefixed-keys"), "orders_v2").tableName())
        .isEqualTo("orders_v2");
  }

  @Test
  void countMismatchFailsNamingTheManifest() {
    assertThatThrownBy(() -> ExportManifest.read(folder("count-mismatch"), null))
        .hasMessageContaining("lists 5 items in 3 files")
        .hasMessageContaining("itemCount 6");
  }

  @Test
  void missingSummarySaysWhatFolderIsExpected() {
    assertThatThrownBy(() -> ExportManifest.read("/nonexistent/AWSDynamoDB/x/", null))
        .hasMessageContaining("/nonexistent/AWSDynamoDB/x/manifest-summary.json does not exist");
  }
}
