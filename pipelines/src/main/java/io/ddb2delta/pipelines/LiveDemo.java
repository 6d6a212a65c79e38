package io.ddb2delta.pipelines;

import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.pipelines.local.LocalDynamoDb;
import io.ddb2delta.pipelines.tools.ExportTable;
import io.ddb2delta.pipelines.tools.LoadGenerator;
import io.ddb2delta.pipelines.tools.LoadLog;
import io.ddb2delta.pipelines.tools.SyntheticTable;
import io.ddb2delta.tables.BronzeTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The live demo that the README's first command runs, on an embedded DynamoDB Local:
 *
 * <ol>
 *   <li>create the four shipped tables and write a backfill into them;
 *   <li>export each table in AWS's Export to S3 layout and load the exports (bronze, silver);
 *   <li>enable each table's DynamoDB Stream, so the stream holds exactly the changes after the
 *       export: no gap and no overlap;
 *   <li>run the DynamoDB Streams pipeline while the load generator writes about {@code --demoRate}
 *       changes/s, until Ctrl-C or {@code --duration}.
 * </ol>
 *
 * <p>The summary reconciles the load generator's acknowledged writes with the stream records the
 * pipeline committed.
 */
final class LiveDemo {
  private static final List<SyntheticTable> TABLES = Arrays.asList(SyntheticTable.values());

  private LiveDemo() {}

  static RunSummary run(Ddb2DeltaOptions options) {
    long wallStart = System.nanoTime();
    Path work;
    try {
      work = Files.createTempDirectory("ddb2delta-demo");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println("live demo: starting DynamoDB Local (embedded, 127.0.0.1 only)");
    try (LocalDynamoDb ddb = LocalDynamoDb.start()) {
      DynamoDbClient client = ddb.dynamoDb();
      for (SyntheticTable t : TABLES) {
        createWithoutStream(client, t);
      }
      long backfill = options.getDemoBackfillItems();
      LoadGenerator.Summary written =
          generate(
              client,
              new LoadGenerator.Config(
                  TABLES, 5_000, new LoadGenerator.Mix(100, 0, 0), 1, backfill, null),
              LoadLog.inMemory());
      System.out.println("live demo: backfill " + written.format());

      for (SyntheticTable t : TABLES) {
        String exportId = "demo-" + t.tableName() + "-" + System.currentTimeMillis();
        int exit =
            ExportTable.commandLine()
                .execute(
                    "--table=" + t.tableName(),
                    "--output=" + work,
                    "--segments=2",
                    "--dynamodbEndpoint=" + ddb.endpoint(),
                    "--export-id=" + exportId);
        if (exit != 0) {
          throw new IllegalStateException("exporting " + t.tableName() + " failed");
        }
        Ddb2DeltaOptions export = copy(options);
        export.setSource("export");
        export.setExportPath(work.resolve("AWSDynamoDB").resolve(exportId).toString());
        export.setTableName(t.tableName());
        System.out.print(Ddb2Delta.run(export).render());
      }

      for (SyntheticTable t : TABLES) {
        enableStream(client, t);
      }
      LoadLog log = LoadLog.inMemory();
      long limitNanos = StreamJob.durationNanos(options.getDuration());
      Duration writeFor =
          limitNanos == Long.MAX_VALUE ? Duration.ofDays(365) : Duration.ofNanos(limitNanos);
      DeltaTable bronze =
          DeltaTable.forPath(DeltaTargets.pathOf(options.getDeltaRoot(), BronzeTable.NAME));
      long bronzeBefore = bronze.numRecords();
      Thread generator =
          new Thread(
              () -> {
                try {
                  generate(
                      client,
                      new LoadGenerator.Config(
                          TABLES,
                          options.getDemoRate(),
                          new LoadGenerator.Mix(40, 45, 15),
                          2,
                          0,
                          writeFor),
                      log);
                } catch (RuntimeException e) {
                  if (!Thread.currentThread().isInterrupted()) {
                    System.err.println("live demo: load generator stopped: " + e);
                  }
                }
              },
              "ddb2delta-demo-load");
      generator.setDaemon(true);
      generator.start();
      System.out.printf(
          Locale.ROOT,
          "live demo: streaming users, orders, products, transactions while the load generator"
              + " writes %.0f changes/s; %s%n",
          options.getDemoRate(),
          options.getDuration().isBlank()
              ? "Ctrl-C stops"
              : "writes stop after "
                  + options.getDuration()
                  + ", then the job stops once every change is committed");

      Ddb2DeltaOptions stream = copy(options);
      stream.setSource("dynamodb-streams");
      stream.setTableName(
          String.join(",", TABLES.stream().map(SyntheticTable::tableName).toList()));
      stream.setDynamodbEndpoint(ddb.endpoint().toString());
      stream.setInitialPosition("TRIM_HORIZON");
      // After the writes stop, drain: stop once bronze holds every change (or a minute later).
      stream.setDuration(
          limitNanos == Long.MAX_VALUE ? "" : (limitNanos / 1_000_000_000L + 60) + "s");
      RunSummary streamed =
          StreamJob.run(
              stream,
              () -> !generator.isAlive() && bronze.numRecords() - bronzeBefore >= log.total());
      generator.interrupt();

      Map<String, Long> counters = new LinkedHashMap<>(streamed.counters());
      counters.put("changes generated", log.total());
      counters.put("changes committed to bronze", bronze.numRecords() - bronzeBefore);
      return new RunSummary(
          "live demo: " + streamed.description(),
          streamed.recordsRead(),
          streamed.rowsAdded(),
          streamed.quarantineTable(),
          false,
          (System.nanoTime() - wallStart) / 1e9,
          Ddb2Delta.processCpuNanos() / 1e9,
          RunSummary.readPeakRssBytes(),
          counters);
    } catch (Exception e) {
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("live demo failed", e);
    } finally {
      deleteQuietly(work);
    }
  }

  private static LoadGenerator.Summary generate(
      DynamoDbClient client, LoadGenerator.Config config, LoadLog log) {
    try {
      return new LoadGenerator(client, config, log).run(s -> {}, Duration.ofHours(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void createWithoutStream(DynamoDbClient client, SyntheticTable t) {
    client.createTable(
        b ->
            b.tableName(t.tableName())
                .keySchema(
                    KeySchemaElement.builder()
                        .attributeName(t.keyAttribute())
                        .keyType(KeyType.HASH)
                        .build())
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName(t.keyAttribute())
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
  }

  private static void enableStream(DynamoDbClient client, SyntheticTable t) {
    client.updateTable(
        b ->
            b.tableName(t.tableName())
                .streamSpecification(
                    s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
    for (int i = 0; i < 100; i++) {
      if (client.describeTable(b -> b.tableName(t.tableName())).table().tableStatus()
          == TableStatus.ACTIVE) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Ddb2DeltaOptions copy(Ddb2DeltaOptions options) {
    List<String> args = new ArrayList<>();
    args.add("--deltaRoot=" + options.getDeltaRoot());
    args.add("--targetFileSizeMb=" + options.getTargetFileSizeMb());
    args.add("--progressIntervalSeconds=" + options.getProgressIntervalSeconds());
    args.add("--commitIntervalSeconds=" + options.getCommitIntervalSeconds());
    args.add("--dedupHorizonSeconds=" + options.getDedupHorizonSeconds());
    args.add("--idleWatermarkSeconds=" + options.getIdleWatermarkSeconds());
    args.add("--duration=" + options.getDuration());
    args.add("--runner=" + options.getRunner().getSimpleName());
    return Ddb2Delta.parse(args.toArray(String[]::new));
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder; the OS cleans it eventually
    }
  }
}
