package io.ddb2delta.pipelines.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.local.LocalS3;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.MimeTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Beam's {@code s3://} file system, configured only by {@link LocalS3#pipelineArgs()}, lists, reads
 * and writes objects on a local S3 endpoint through {@link PathStyleS3ClientBuilderFactory}.
 */
class S3FileSystemIT {

  private static final String BUCKET = "ddb2delta-it";
  private static final String LINE_1 = "{\"Item\":{\"Id\":{\"N\":\"103\"}}}";
  private static final String LINE_2 =
      "{\"Item\":{\"Id\":{\"N\":\"104\"},\"Name\":{\"S\":\"\u00e9\"}}}";

  @TempDir static Path local;

  private static LocalS3 server;
  private static Map<String, byte[]> uploaded;

  @BeforeAll
  static void startServerAndRegisterFileSystems() throws IOException {
    Path export = Files.createDirectories(local.resolve("export"));
    Files.write(export.resolve("part-0.json.gz"), gzip(LINE_1 + "\n" + LINE_2 + "\n"));
    Files.writeString(export.resolve("manifest-summary.json"), "{\"itemCount\":2}");
    uploaded =
        Map.of(
            "part-0.json.gz", Files.readAllBytes(export.resolve("part-0.json.gz")),
            "manifest-summary.json", Files.readAllBytes(export.resolve("manifest-summary.json")));

    server = LocalS3.start();
    server.createBucket(BUCKET);
    server.uploadDirectory(export, BUCKET, "exports/t1");

    // as(S3Options): Beam 2.70 registers only AwsOptions, so create() would reject the S3 flags.
    FileSystems.setDefaultPipelineOptions(
        PipelineOptionsFactory.fromArgs(server.pipelineArgs().toArray(String[]::new))
            .as(S3Options.class));
  }

  @AfterAll
  static void stopServer() throws Exception {
    // Other ITs share this JVM: leave Beam's file systems at their defaults.
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    if (server != null) {
      server.close();
    }
  }

  @Test
  void optionsSelectThePathStyleFactory() {
    S3Options s3 =
        PipelineOptionsFactory.fromArgs(server.pipelineArgs().toArray(String[]::new))
            .as(S3Options.class);

    assertThat(s3.getS3ClientFactoryClass()).isEqualTo(PathStyleS3ClientBuilderFactory.class);
    assertThat(server.endpoint().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
  }

  @Test
  void matchListsTheUploadedObjectsWithTheirSizes() throws IOException {
    MatchResult match = FileSystems.match("s3://" + BUCKET + "/exports/t1/*");

    Map<String, Long> sizes =
        match.metadata().stream()
            .collect(Collectors.toMap(m -> m.resourceId().getFilename(), Metadata::sizeBytes));
    assertThat(sizes)
        .containsOnly(
            Map.entry("part-0.json.gz", (long) uploaded.get("part-0.json.gz").length),
            Map.entry(
                "manifest-summary.json", (long) uploaded.get("manifest-summary.json").length));
  }

  @Test
  void openReturnsTheExactBytes() throws IOException {
    for (Map.Entry<String, byte[]> object : uploaded.entrySet()) {
      assertThat(read("s3://" + BUCKET + "/exports/t1/" + object.getKey()))
          .as(object.getKey())
          .isEqualTo(object.getValue());
    }
    byte[] gz = read("s3://" + BUCKET + "/exports/t1/part-0.json.gz");
    try (InputStream lines = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertThat(new String(lines.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(LINE_1 + "\n" + LINE_2 + "\n");
    }
  }

  @Test
  void aMissingObjectIsNotFound() throws IOException {
    String missing = "s3://" + BUCKET + "/exports/t1/missing.json";

    assertThat(FileSystems.match(List.of(missing)).get(0).status())
        .isEqualTo(MatchResult.Status.NOT_FOUND);
    assertThatThrownBy(() -> FileSystems.matchSingleFileSpec(missing))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("missing.json");
  }

  @Test
  void openOfAMissingKeyThrowsTheSdksNoSuchKeyRatherThanFileNotFound() {
    ResourceId missing = FileSystems.matchNewResource("s3://" + BUCKET + "/exports/t1/gone", false);

    // Unchecked and without the key in its message: match before open to get a clear error.
    assertThatThrownBy(() -> FileSystems.open(missing))
        .isInstanceOf(NoSuchKeyException.class)
        .hasMessageContaining("Status Code: 404");
  }

  @Test
  void createWritesAnObjectThatS3Returns() throws IOException {
    byte[] content = (LINE_1 + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
    ResourceId target =
        FileSystems.matchNewResource("s3://" + BUCKET + "/written/part-0.json", false);

    try (OutputStream out = Channels.newOutputStream(FileSystems.create(target, MimeTypes.TEXT))) {
      out.write(content);
    }

    assertThat(
            server
                .client()
                .getObjectAsBytes(b -> b.bucket(BUCKET).key("written/part-0.json"))
                .asByteArray())
        .isEqualTo(content);
    assertThat(read(target.toString())).isEqualTo(content);
  }

  @Test
  void withoutTheFactoryBeamCannotWriteToTheLocalEndpoint() {
    String[] defaultFactory =
        server.pipelineArgs().stream()
            .filter(arg -> !arg.startsWith("--s3ClientFactoryClass="))
            .toArray(String[]::new);
    FileSystems.setDefaultPipelineOptions(
        PipelineOptionsFactory.fromArgs(defaultFactory).as(S3Options.class));
    try {
      ResourceId target =
          FileSystems.matchNewResource("s3://" + BUCKET + "/written/default.json", false);

      // SDK 2.40's default request checksums: s3proxy rejects the upload's content hash.
      assertThatThrownBy(
              () -> {
                try (OutputStream out =
                    Channels.newOutputStream(FileSystems.create(target, MimeTypes.TEXT))) {
                  out.write(LINE_1.getBytes(StandardCharsets.UTF_8));
                }
              })
          .isInstanceOf(S3Exception.class)
          .hasMessageContaining("x-amz-content-sha256");
    } finally {
      FileSystems.setDefaultPipelineOptions(
          PipelineOptionsFactory.fromArgs(server.pipelineArgs().toArray(String[]::new))
              .as(S3Options.class));
    }
  }

  private static byte[] read(String spec) throws IOException {
    ResourceId resource = FileSystems.matchSingleFileSpec(spec).resourceId();
    try (InputStream in = Channels.newInputStream(FileSystems.open(resource))) {
      return in.readAllBytes();
    }
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
