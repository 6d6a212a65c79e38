package io.ddb2delta.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddb2delta.pipelines.SampleExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The sample export shipped for the no-argument run: 3,000 orders plus the 8 edge items, seed 42,
 * DYNAMODB_JSON, four data files, no bad lines.
 */
class ShippedSampleTest {

  @Test
  void isACompleteConsistentOrdersExportWithTheEdgeItems() throws IOException, URISyntaxException {
    // The job's jar holds the sample; location() extracts it as the job does.
    Path directory = Path.of(SampleExport.location());
    Path root = directory.getParent().getParent();
    try (Stream<Path> exports = Files.list(root.resolve("AWSDynamoDB"))) {
      assertThat(exports.toList()).hasSize(1);
    }
    ExportFolder export = new ExportFolder(root, directory);

    List<JsonNode> files = GenerateExportTest.assertManifestsMatchTheData(export);

    assertThat(files).hasSize(4);
    JsonNode summary = export.summary();
    assertThat(summary.get("itemCount").asLong()).isEqualTo(3_008);
    assertThat(summary.get("outputFormat").asText()).isEqualTo("DYNAMODB_JSON");
    assertThat(summary.get("version").asText()).isEqualTo("2020-06-30");
    Set<String> ids = new HashSet<>();
    for (String line : export.allLines()) {
      JsonNode item = ExportFolder.parse(line).get("Item");
      GenerateExportTest.assertMappedOrderAttributes(item);
      ids.add(item.get("order_id").get("S").asText());
    }
    assertThat(ids)
        .hasSize(3_008)
        .contains("ord-000000000", "ord-000002999")
        .contains(
            "ord-edge-01",
            "ord-edge-02",
            "ord-edge-03",
            "ord-edge-04",
            "ord-edge-05",
            "ord-edge-06",
            "ord-edge-07",
            "ord-edge-08");
    long sampleBytes;
    try (Stream<Path> all = Files.walk(root)) {
      sampleBytes = all.filter(Files::isRegularFile).mapToLong(ShippedSampleTest::size).sum();
    }
    assertThat(sampleBytes).isLessThan(1_000_000);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
