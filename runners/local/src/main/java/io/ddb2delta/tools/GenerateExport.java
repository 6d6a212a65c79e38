package io.ddb2delta.tools;

import io.ddb2delta.export.ExportFormat;
import io.ddb2delta.model.DynamoValue;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code generate-export}: writes a deterministic synthetic DynamoDB export in AWS's exact layout,
 * full or incremental, in DYNAMODB_JSON or ION, optionally with edge-case items and deliberately
 * bad lines. The same options give byte-identical output.
 *
 * <p>Lines are spread over the data files in contiguous ranges of items; edge items and bad lines
 * are spread round-robin over the files and interleaved evenly with the items. The last {@code
 * --empty-files} data files are empty, as AWS writes for empty partitions.
 */
@Command(
    name = "generate-export",
    mixinStandardHelpOptions = true,
    description = "Writes a deterministic synthetic DynamoDB export to S3 (AWS's folder layout).")
public final class GenerateExport implements Callable<Integer> {
  private static final Instant EXPORT_EPOCH = Instant.parse("2024-12-01T00:00:00Z");

  @Spec private CommandSpec spec;

  @Option(
      names = "--table",
      defaultValue = "ORDERS",
      description = "users, orders, products or transactions (default: ${DEFAULT-VALUE}).")
  private SyntheticTable table;

  @Option(
      names = "--items",
      defaultValue = "1000",
      description = "Synthetic items (FULL) or changes (INCREMENTAL) (default: ${DEFAULT-VALUE}).")
  private long items;

  @Option(
      names = "--format",
      defaultValue = "DYNAMODB_JSON",
      description = "DYNAMODB_JSON or ION (default: ${DEFAULT-VALUE}).")
  private ExportFormat format;

  @Option(
      names = "--type",
      defaultValue = "FULL",
      description = "FULL or INCREMENTAL (default: ${DEFAULT-VALUE}).")
  private ExportType type;

  @Option(
      names = "--files",
      defaultValue = "4",
      description = "Data files, including empty ones (default: ${DEFAULT-VALUE}).")
  private int files;

  @Option(
      names = "--empty-files",
      defaultValue = "0",
      description = "How many of the data files are empty (default: ${DEFAULT-VALUE}).")
  private int emptyFiles;

  @Option(
      names = "--first-item",
      defaultValue = "0",
      description =
          "Index of the first synthetic item (default: ${DEFAULT-VALUE}); exports of disjoint"
              + " index ranges hold disjoint keys.")
  private long firstItem;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(
      names = "--export-id",
      description = "Export id, like 01733011200000-1a2b3c4d (default: derived from the seed).")
  private String exportId;

  @Option(names = "--output", required = true, description = "Folder to write AWSDynamoDB/ under.")
  private Path output;

  @Option(
      names = "--include-edge-items",
      description = "Add the edge-case orders of EdgeItems (orders only).")
  private boolean includeEdgeItems;

  @Option(
      names = "--bad-lines",
      defaultValue = "0",
      description = "Invalid lines to inject, for quarantine tests (default: ${DEFAULT-VALUE}).")
  private int badLines;

  // Instances come only from commandLine(), so picocli has always injected the spec and options.
  private GenerateExport() {}

  /** The command line with this command, accepting enum values in any case ({@code orders}). */
  public static CommandLine commandLine() {
    return new CommandLine(new GenerateExport()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Generates the export and prints its folder. */
  @Override
  public Integer call() throws IOException {
    Path directory = generate().directory();
    PrintWriter out = spec.commandLine().getOut();
    out.println(directory);
    out.flush();
    return 0;
  }

  /** Generates the export the parsed options describe. */
  public ExportWriter.Export generate() throws IOException {
    validate();
    long mixed = SyntheticItems.mix(seed);
    Instant exportTime = EXPORT_EPOCH.plusMillis(Math.floorMod(mixed, 30L * 24 * 3600 * 1000));
    String id =
        exportId != null
            ? exportId
            : String.format(
                Locale.ROOT, "%014d-%08x", exportTime.toEpochMilli(), mixed & 0xffffffffL);
    Instant fromTime = exportTime.minus(2, ChronoUnit.HOURS);
    SplittableRandom tableIds = new SplittableRandom(mixed ^ table.ordinal());
    String tableId = new UUID(tableIds.nextLong(), tableIds.nextLong()).toString();
    ExportWriter.Description description =
        new ExportWriter.Description(
            table.tableName(),
            tableId,
            id,
            format,
            type,
            exportTime,
            type == ExportType.INCREMENTAL ? fromTime : null);

    SyntheticItems synthetic = new SyntheticItems(table, seed);
    long fromMicros = micros(fromTime);
    SyntheticChanges changes =
        new SyntheticChanges(synthetic, seed, fromMicros, micros(exportTime));
    LineSource lines =
        type == ExportType.FULL
            ? index -> ExportLines.item(format, synthetic.item(firstItem + index))
            : index -> ExportLines.change(format, changes.change(firstItem + index));

    List<String> extras = new ArrayList<>();
    if (includeEdgeItems) {
      long micros = fromMicros;
      for (Map<String, DynamoValue> edge : EdgeItems.orders()) {
        extras.add(
            type == ExportType.FULL
                ? ExportLines.item(format, edge)
                : ExportLines.change(
                    format, new IncrementalChange(micros++, synthetic.key(edge), null, edge)));
      }
    }
    for (int n = 0; n < badLines; n++) {
      extras.add(BadLines.line(format, type, table, n, fromMicros + n));
    }

    int dataFiles = files - emptyFiles;
    List<Iterable<String>> fileLines = new ArrayList<>(files);
    for (int k = 0; k < files; k++) {
      fileLines.add(k < dataFiles ? fileLines(k, dataFiles, lines, extras) : List.of());
    }
    return ExportWriter.write(output, description, fileLines);
  }

  private void validate() {
    CommandLine cli = spec.commandLine();
    if (items < 0
        || firstItem < 0
        || badLines < 0
        || files < 1
        || emptyFiles < 0
        || emptyFiles >= files) {
      throw new CommandLine.ParameterException(
          cli,
          "need --items >= 0, --first-item >= 0, --bad-lines >= 0, --files >= 1 and 0 <="
              + " --empty-files < --files");
    }
    if (includeEdgeItems && table != SyntheticTable.ORDERS) {
      throw new CommandLine.ParameterException(
          cli, "--include-edge-items needs --table orders: the edge items are orders");
    }
  }

  /** Produces line {@code index} of the synthetic items or changes. */
  private interface LineSource {
    String line(long index);
  }

  /**
   * Data file {@code k} of {@code count}: its contiguous range of synthetic lines, with the extras
   * whose position is {@code k} modulo {@code count} placed evenly between them. Lazy, so a large
   * export never sits in memory.
   */
  private Iterable<String> fileLines(int k, int count, LineSource lines, List<String> extras) {
    long first = items * k / count;
    long end = items * (k + 1) / count;
    long size = end - first;
    List<String> mine = new ArrayList<>();
    for (int e = k; e < extras.size(); e += count) {
      mine.add(extras.get(e));
    }
    // Extra j goes after floor((j + 1) * size / (mine + 1)) synthetic lines.
    Map<Long, List<String>> after = new HashMap<>();
    for (int j = 0; j < mine.size(); j++) {
      long slot = (j + 1) * size / (mine.size() + 1);
      after.computeIfAbsent(slot, s -> new ArrayList<>()).add(mine.get(j));
    }
    return () ->
        Stream.concat(
                after.getOrDefault(0L, List.of()).stream(),
                LongStream.range(0, size)
                    .boxed()
                    .flatMap(
                        p ->
                            Stream.concat(
                                Stream.of(lines.line(first + p)),
                                after.getOrDefault(p + 1, List.of()).stream())))
            .iterator();
  }

  private static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }
}
