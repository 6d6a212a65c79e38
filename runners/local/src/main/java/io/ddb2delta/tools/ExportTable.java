package io.ddb2delta.tools;

import io.ddb2delta.cdc.SdkAttributeValues;
import io.ddb2delta.export.ExportFormat;
import io.ddb2delta.pipelines.aws.LocalAws;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * {@code export-table}: plays AWS's part of Export to S3 for tables AWS cannot export, such as
 * DynamoDB Local's. It scans a table with parallel segments, one data file per segment, and writes
 * a full export in AWS's exact layout (manifests, checksums, gzipped DYNAMODB_JSON or ION) to a
 * local folder or to {@code s3://}.
 *
 * <p>Guarantees: the manifests list every data file with its item count, so the export reconciles
 * like one from AWS; a scan is a consistent read of each segment as DynamoDB serves it, not a
 * point-in-time snapshot (AWS's export is; for a local stand-in under light load the difference is
 * a few in-flight writes, which the change stream then carries).
 */
@Command(
    name = "export-table",
    mixinStandardHelpOptions = true,
    description =
        "Scans a DynamoDB table and writes an export in AWS's layout, locally or to s3://.")
public final class ExportTable implements Callable<Integer> {

  @Option(names = "--table", required = true, description = "The DynamoDB table to export.")
  String table;

  @Option(
      names = "--output",
      required = true,
      description =
          "A folder or s3://bucket/prefix; the export goes under AWSDynamoDB/<ExportId>/.")
  String output;

  @Option(names = "--format", description = "DYNAMODB_JSON (default) or ION.")
  ExportFormat format = ExportFormat.DYNAMODB_JSON;

  @Option(names = "--segments", description = "Parallel scan segments = data files (default 4).")
  int segments = 4;

  @Option(
      names = "--dynamodbEndpoint",
      description =
          "A DynamoDB endpoint such as http://127.0.0.1:8000. A loopback endpoint gets the local"
              + " stack's dummy credentials; otherwise the AWS default chain is used.")
  URI endpoint;

  @Option(names = "--region", description = "AWS region (default us-east-1).")
  String region = LocalAws.REGION;

  @Option(names = "--export-id", description = "Default: the export time and a random suffix.")
  String exportId;

  @Option(
      names = "--beam-arg",
      description =
          "A Beam AWS option for s3:// output, e.g. --beam-arg=--endpoint=http://127.0.0.1:9090;"
              + " repeatable. The same options the pipeline takes.")
  List<String> beamArgs = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new ExportTable()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() throws IOException {
    ExportWriter.Export export = export();
    PrintWriter out = new PrintWriter(System.out, true);
    out.printf(
        Locale.ROOT,
        "exported %,d items of %s in %d files to %s%n",
        export.itemCount(),
        table,
        export.dataFiles().size(),
        exportFolder(export));
    return 0;
  }

  /** Runs the export; returns what was written (its directory is local even for s3:// output). */
  public ExportWriter.Export export() throws IOException {
    if (segments < 1 || segments > 1000) {
      throw new IllegalArgumentException("--segments must be 1..1000, got " + segments);
    }
    Instant exportTime = Instant.now();
    String id =
        exportId != null
            ? exportId
            : String.format(
                Locale.ROOT,
                "%014d-%08x",
                exportTime.toEpochMilli(),
                (int) (System.nanoTime() ^ table.hashCode()));
    boolean toS3 = output.startsWith("s3://");
    Path localRoot = toS3 ? Files.createTempDirectory("export-table") : Path.of(output);
    try (DynamoDbClient ddb = client()) {
      TableDescription description = ddb.describeTable(b -> b.tableName(table)).table();
      List<Iterable<String>> files = new ArrayList<>();
      for (int s = 0; s < segments; s++) {
        files.add(segmentLines(ddb, s));
      }
      ExportWriter.Export export =
          ExportWriter.write(
              localRoot,
              new ExportWriter.Description(
                  table,
                  description.tableId() != null ? description.tableId() : table,
                  id,
                  format,
                  ExportType.FULL,
                  exportTime,
                  null),
              files);
      if (toS3) {
        upload(localRoot, output.endsWith("/") ? output : output + "/");
      }
      return export;
    }
  }

  private String exportFolder(ExportWriter.Export export) {
    if (!output.startsWith("s3://")) {
      return export.directory().toString();
    }
    Path relative = export.directory().getParent().getParent().relativize(export.directory());
    return (output.endsWith("/") ? output : output + "/") + "AWSDynamoDB/" + relative.getFileName();
  }

  /** One segment's items as export lines, read page by page as the writer asks for them. */
  private Iterable<String> segmentLines(DynamoDbClient ddb, int segment) {
    return () -> {
      Iterator<Map<String, AttributeValue>> items =
          ddb.scanPaginator(
                  b ->
                      b.tableName(table)
                          .segment(segment)
                          .totalSegments(segments)
                          .consistentRead(true))
              .items()
              .iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return items.hasNext();
        }

        @Override
        public String next() {
          return ExportLines.item(format, SdkAttributeValues.toItem(items.next()));
        }
      };
    };
  }

  private DynamoDbClient client() {
    return LocalAws.client(DynamoDbClient.builder(), region, endpoint);
  }

  /**
   * Copies the written export to s3:// through Beam's file systems, configured like the pipeline.
   */
  private void upload(Path localRoot, String s3Prefix) throws IOException {
    FileSystems.setDefaultPipelineOptions(
        PipelineOptionsFactory.fromArgs(beamArgs.toArray(String[]::new)).as(S3Options.class));
    try (Stream<Path> walk = Files.walk(localRoot)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String key = localRoot.relativize(file).toString().replace('\\', '/');
        try (InputStream in = Files.newInputStream(file);
            OutputStream out =
                Channels.newOutputStream(
                    FileSystems.create(
                        FileSystems.matchNewResource(s3Prefix + key, false),
                        "application/octet-stream"))) {
          in.transferTo(out);
        }
      }
    }
  }
}
