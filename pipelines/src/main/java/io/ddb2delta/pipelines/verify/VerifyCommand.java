package io.ddb2delta.pipelines.verify;

import io.ddb2delta.cdc.SdkAttributeValues;
import io.ddb2delta.current.CurrentTable;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.mapping.MappingException;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.mapping.TableMappings;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.pipelines.aws.LocalAws;
import io.ddb2delta.tables.DeltaTargets;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code verify}: scans live DynamoDB tables and compares each with its {@code <table>_current}.
 *
 * <p>Guarantees: it reports per table the item and row counts, the keys missing from or extra in
 * {@code _current}, the items that differ (with samples of each) and an order-independent checksum
 * of each side, and exits 1 on any difference. The scan is parallel ({@code --segments}) and
 * strongly consistent; memory holds one bucket of {@code --bucketRows} rows, not the table. Run it
 * when writes have paused and the job has caught up, or the changes in flight show as differences.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Compares live DynamoDB tables with their <table>_current tables under --deltaRoot;"
            + " exits 1 on any difference.")
public final class VerifyCommand implements Callable<Integer> {
  @Option(names = "--deltaRoot", required = true, description = "The lake's root folder.")
  String deltaRoot;

  @Option(
      names = "--tables",
      split = ",",
      description = "DynamoDB tables (default: every <table>_current under --deltaRoot).")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--tableConfig",
      description = "The job's own table mappings, as its --tableConfig (default: the shipped).")
  String tableConfig;

  @Option(names = "--segments", description = "Parallel scan segments (default 4).")
  int segments = 4;

  @Option(names = "--bucketRows", description = "Rows compared in memory at once (default 200000).")
  long bucketRows = 200_000;

  @Option(names = "--samples", description = "Differences shown per table (default 5).")
  int samples = 5;

  @Option(names = "--progressSeconds", description = "Seconds between progress lines (default 10).")
  int progressSeconds = 10;

  @Option(names = "--region", description = "AWS region (default us-east-1).")
  String region = LocalAws.REGION;

  @Option(names = "--dynamodbEndpoint", description = "DynamoDB endpoint override.")
  URI dynamodbEndpoint;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final PrintStream out;

  VerifyCommand(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.out).execute(args));
  }

  public static CommandLine commandLine(PrintStream out) {
    return new CommandLine(new VerifyCommand(out));
  }

  /** Parses {@code args} as the command does, compares, and returns the differences found. */
  public static long differences(PrintStream out, String... args) throws Exception {
    VerifyCommand command = new VerifyCommand(out);
    new CommandLine(command).parseArgs(args);
    return command.compare();
  }

  @Override
  public Integer call() throws Exception {
    return compare() == 0 ? 0 : 1;
  }

  private long compare() throws Exception {
    if (segments < 1 || segments > 1_000_000) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--segments must be 1..1000000, got " + segments);
    }
    List<TableMapping> mappings = tableConfig == null ? null : TableMappings.load(tableConfig);
    List<String> chosen = tables.isEmpty() ? currentTablesUnder(Path.of(deltaRoot)) : tables;
    if (chosen.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "there is no <table>_current under " + deltaRoot);
    }
    long differences = 0;
    try (DynamoDbClient ddb = dynamoDb()) {
      for (String table : chosen) {
        TableMapping mapping =
            mappings == null
                ? TableMapping.shipped(table)
                : TableMappings.forTable(mappings, table);
        CurrentComparison.Report report = verify(ddb, new CurrentTable(mapping));
        print(report);
        differences += report.differences();
      }
    }
    out.printf(
        Locale.ROOT,
        "verify: %,d difference%s in %d table%s%n",
        differences,
        differences == 1 ? "" : "s",
        chosen.size(),
        chosen.size() == 1 ? "" : "s");
    return differences;
  }

  private CurrentComparison.Report verify(DynamoDbClient ddb, CurrentTable current)
      throws Exception {
    String path = DeltaTargets.pathOf(deltaRoot, current.name());
    DeltaTable delta = DeltaTable.forPath(path);
    if (!delta.exists()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "there is no " + current.name() + " at " + path);
    }
    List<DataFile> files = delta.files();
    Long itemCount = ddb.describeTable(b -> b.tableName(current.table())).table().itemCount();
    long expected = Math.max(delta.numRecords(), itemCount == null ? 0 : itemCount);
    int buckets = (int) Math.max(1, Math.min(100_000, (expected + bucketRows - 1) / bucketRows));
    Path spill = Files.createTempDirectory("ddb2delta-verify-" + current.table());
    ExecutorService pool = Executors.newFixedThreadPool(segments + 1);
    ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
    try (CurrentComparison comparison = new CurrentComparison(current, spill, buckets, samples)) {
      progress.scheduleAtFixedRate(
          () ->
              out.printf(
                  Locale.ROOT,
                  "verify %s: %,d items scanned, %,d of %,d rows of %s read%n",
                  current.table(),
                  comparison.dynamoCount(),
                  comparison.currentCount(),
                  delta.numRecords(),
                  current.name()),
          progressSeconds,
          progressSeconds,
          TimeUnit.SECONDS);
      List<Future<?>> work = new ArrayList<>();
      for (int s = 0; s < segments; s++) {
        int segment = s;
        work.add(pool.submit(() -> scan(ddb, current, segment, comparison)));
      }
      work.add(
          pool.submit(
              () -> {
                for (DataFile f : files) {
                  DeltaTable.readRows(
                      path,
                      current.schema(),
                      f,
                      row -> comparison.addRow(Arrays.copyOf(row, current.itemWidth())));
                }
              }));
      for (Future<?> f : work) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
      progress.shutdownNow();
      return comparison.finish();
    } finally {
      progress.shutdownNow();
      pool.shutdownNow();
    }
  }

  private void scan(
      DynamoDbClient ddb, CurrentTable current, int segment, CurrentComparison comparison) {
    for (Map<String, AttributeValue> item :
        ddb.scanPaginator(
                b ->
                    b.tableName(current.table())
                        .segment(segment)
                        .totalSegments(segments)
                        .consistentRead(true))
            .items()) {
      Map<String, DynamoValue> value = SdkAttributeValues.toItem(item);
      try {
        comparison.addItem(current.itemRow(value));
      } catch (MappingException | IllegalArgumentException e) {
        Map<String, DynamoValue> key = new LinkedHashMap<>();
        for (String k : current.keyAttributes()) {
          key.put(k, value.get(k));
        }
        comparison.addUntypeable(DynamoJson.writeItem(key), e.getMessage());
      }
    }
  }

  private void print(CurrentComparison.Report r) {
    String name = r.table() + "_current";
    out.printf(
        Locale.ROOT,
        "verify %s: DynamoDB %,d items, %s %,d rows%n",
        r.table(),
        r.dynamoItems(),
        name,
        r.currentRows());
    out.printf(
        Locale.ROOT,
        "  missing from %s %,d, extra in it %,d, differing %,d, untypeable %,d, duplicate keys"
            + " %,d%n",
        name,
        r.missing(),
        r.extra(),
        r.differing(),
        r.untypeable(),
        r.duplicateKeys());
    out.printf(
        Locale.ROOT,
        "  checksum DynamoDB %s, %s %s (%s)%n",
        r.dynamoChecksum(),
        name,
        r.currentChecksum(),
        r.dynamoChecksum().equals(r.currentChecksum()) ? "equal" : "different");
    for (CurrentComparison.Sample s : r.samples()) {
      out.printf(
          Locale.ROOT,
          "  key %s%n    DynamoDB: %s%n    %s: %s%n",
          s.key(),
          s.dynamo() == null ? "(absent)" : s.dynamo(),
          name,
          s.current() == null ? "(absent)" : s.current());
    }
  }

  private static List<String> currentTablesUnder(Path root) {
    String suffix = "_current";
    try (Stream<Path> entries = Files.list(root)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(suffix) && Files.isDirectory(root.resolve(n)))
          .map(n -> n.substring(0, n.length() - suffix.length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + root, e);
    }
  }

  private DynamoDbClient dynamoDb() {
    return LocalAws.client(DynamoDbClient.builder(), region, dynamodbEndpoint);
  }
}
