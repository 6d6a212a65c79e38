package io.ddb2delta.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ddb2delta.cdc.KinesisRecordEncoder;
import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.local.LocalKinesis;
import io.ddb2delta.model.DynamoValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The streaming path's throughput, apart from the DirectRunner's idle cost and from how fast a
 * local DynamoDB can be written: fills a kinesalite stream with {@code --records} INSERT changes of
 * synthetic orders in the Kinesis Data Streams for DynamoDB format, then runs the streaming job in
 * a fresh JVM as a catch-up that stops once every change is committed ({@code --stopAfterMessages};
 * the read stays unbounded, as a real catch-up's does) and reports the job process's records per
 * CPU-second and peak RSS. Run two sizes to separate the fixed start-up cost from the marginal cost
 * per record.
 */
@CommandLine.Command(name = "benchmark-catch-up", mixinStandardHelpOptions = true)
public final class BenchmarkCatchUp implements Callable<Integer> {

  @Option(names = "--records", split = ",", description = "Changes per run (default 100000).")
  List<Long> records = List.of(100_000L);

  @Option(names = "--shards", description = "Kinesis shards (default 4).")
  int shards = 4;

  @Option(names = "--work-dir", description = "Where lakes and summaries go.")
  Path workDir = Path.of("target", "bench-catch-up");

  @Option(names = "--jvm-opt", description = "Job JVM options (default -Xmx1g -XX:+UseParallelGC).")
  List<String> jvmOpts = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));

  @Option(
      names = "--job-main",
      description =
          "The job's main class (default the DirectRunner's io.ddb2delta.pipelines.Ddb2Delta).")
  String jobMain = JobCommand.DEFAULT_MAIN;

  @Option(names = "--job-arg", description = "An extra job option; repeatable.")
  List<String> jobArgs = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchmarkCatchUp()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    try (LocalKinesis kinesis = LocalKinesis.start()) {
      for (long n : records) {
        String stream = "catch-up-" + n + "-" + System.nanoTime();
        fill(kinesis.kinesis(), stream, n);
        Path lake = workDir.resolve(stream);
        Path summary = workDir.resolve(stream + ".json");
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>();
        command.add("--source=kinesis");
        command.add("--kinesisStream=" + stream);
        command.add("--kinesisEndpoint=" + kinesis.endpoint());
        command.add("--tableName=orders");
        command.add("--stopAfterMessages=" + n);
        command.add("--deltaRoot=" + lake.toAbsolutePath());
        command.add("--progressIntervalSeconds=0");
        command.add("--summaryFile=" + summary.toAbsolutePath());
        command.addAll(jobArgs);
        int exit = JobCommand.runToEnd(JobCommand.of(jobMain, jvmOpts, command));
        if (exit != 0) {
          System.err.println("the job failed with exit code " + exit);
          return exit;
        }
        JsonNode json = new ObjectMapper().readTree(Files.readString(summary));
        long bronze = json.get("rowsAdded").get("dynamodb_bronze").asLong();
        double cpu = json.get("cpuSeconds").asDouble();
        double wall = json.get("wallSeconds").asDouble();
        System.out.printf(
            Locale.ROOT,
            "RESULT records=%d bronze=%d reconciled=%s cpu_s=%.1f records_per_cpu_s=%.0f"
                + " records/s=%.0f peak_rss_mib=%d wall_s=%.1f%n",
            n,
            bronze,
            bronze == n,
            cpu,
            bronze / cpu,
            bronze / wall,
            json.get("peakRssBytes").asLong() >> 20,
            wall);
      }
    }
    return 0;
  }

  /** Puts n INSERT payloads, 500 per PutRecords call, spread over the shards by item key. */
  private void fill(KinesisClient kinesis, String stream, long n) throws InterruptedException {
    kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
    while (kinesis.describeStream(b -> b.streamName(stream)).streamDescription().streamStatus()
        != StreamStatus.ACTIVE) {
      Thread.sleep(50);
    }
    SyntheticItems orders = new SyntheticItems(SyntheticTable.ORDERS, 7);
    KinesisRecordEncoder encoder = new KinesisRecordEncoder("us-east-1");
    long start = System.nanoTime();
    List<PutRecordsRequestEntry> batch = new ArrayList<>(500);
    long nowMicros = System.currentTimeMillis() * 1000L;
    for (long i = 0; i < n; i++) {
      Map<String, DynamoValue> item = orders.item(i);
      Map<String, DynamoValue> keys = orders.key(item);
      ChangeRecord record =
          new ChangeRecord(
              "orders",
              Op.INSERT,
              keys,
              item,
              null,
              nowMicros,
              "catch-up-" + i,
              SourcePosition.exportLine("catch-up", "fill", i + 1));
      byte[] payload =
          encoder.encode(
              new DecodedChange(
                  record,
                  new io.ddb2delta.tables.BronzeTable.RawImages(null, null, null),
                  null,
                  false,
                  null));
      batch.add(
          PutRecordsRequestEntry.builder()
              .partitionKey(orders.id(i))
              .data(SdkBytes.fromByteArray(payload))
              .build());
      if (batch.size() == 500 || i == n - 1) {
        List<PutRecordsRequestEntry> entries = List.copyOf(batch);
        var response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
        if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
          throw new IllegalStateException(response.failedRecordCount() + " puts failed");
        }
        batch.clear();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "filled %s with %,d changes in %.1f s%n",
        stream,
        n,
        (System.nanoTime() - start) / 1e9);
  }
}
