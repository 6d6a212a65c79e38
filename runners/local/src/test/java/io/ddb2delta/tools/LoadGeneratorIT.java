package io.ddb2delta.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.tools.LoadGenerator.Op;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The load generator against DynamoDB Local: the tables' streams hold exactly the changes the log
 * records, and the tables hold inserts − removes items.
 */
class LoadGeneratorIT {
  private static LocalDynamoDb dynamo;

  @BeforeAll
  static void start() {
    dynamo = LocalDynamoDb.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (dynamo != null) {
      dynamo.close();
    }
  }

  @Test
  void theStreamsHoldExactlyTheLoggedChanges(@TempDir Path dir) throws Exception {
    Path logFile = dir.resolve("load.jsonl");
    StringWriter output = new StringWriter();
    CommandLine cli = LoadGeneratorCommand.commandLine().setOut(new PrintWriter(output));
    int exit =
        cli.execute(
            "--endpoint=" + dynamo.endpoint(),
            "--tables=orders,users",
            "--rate=500",
            "--mix=50,35,15",
            "--max-changes=300",
            "--duration=PT60S",
            "--seed=11",
            "--log=" + logFile);
    assertThat(exit).as(output.toString()).isZero();
    assertThat(output.toString()).contains("done: 300 changes");

    List<LoadLog.Entry> log = LoadLog.read(logFile);
    assertThat(log).hasSize(300);
    for (String table : List.of("orders", "users")) {
      List<String> logged =
          log.stream()
              .filter(e -> e.table().equals(table))
              .map(e -> e.op() + " " + e.key())
              .sorted()
              .toList();
      List<String> streamed =
          streamRecords(table).stream()
              .map(
                  r ->
                      r.eventNameAsString()
                          + " "
                          + r.dynamodb().keys().values().iterator().next().s())
              .sorted()
              .toList();
      assertThat(streamed).as(table).isEqualTo(logged);
      assertThat(logged).as("%s has every op", table).anyMatch(s -> s.startsWith("REMOVE"));

      Map<Op, Long> ops =
          log.stream()
              .filter(e -> e.table().equals(table))
              .collect(
                  Collectors.groupingBy(LoadLog.Entry::op, TreeMap::new, Collectors.counting()));
      long expectedItems = ops.getOrDefault(Op.INSERT, 0L) - ops.getOrDefault(Op.REMOVE, 0L);
      assertThat(itemCount(dynamo.dynamoDb(), table)).as(table).isEqualTo(expectedItems);
    }
  }

  /** Every record of the table's stream: all shards, each read from TRIM_HORIZON to its end. */
  private static List<Record> streamRecords(String table) {
    DynamoDbStreamsClient streams = dynamo.streams();
    String arn = streams.listStreams(b -> b.tableName(table)).streams().get(0).streamArn();
    List<Shard> shards = new ArrayList<>();
    String lastShard = null;
    do {
      String from = lastShard;
      StreamDescription d =
          streams
              .describeStream(b -> b.streamArn(arn).exclusiveStartShardId(from))
              .streamDescription();
      shards.addAll(d.shards());
      lastShard = d.lastEvaluatedShardId();
    } while (lastShard != null);
    List<Record> records = new ArrayList<>();
    for (Shard shard : shards) {
      String iterator =
          streams
              .getShardIterator(
                  b ->
                      b.streamArn(arn)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String current = iterator;
        var response = streams.getRecords(b -> b.shardIterator(current));
        records.addAll(response.records());
        // An open shard always returns a next iterator; an empty page means it is drained.
        iterator = response.records().isEmpty() ? null : response.nextShardIterator();
      }
    }
    return records;
  }

  private static long itemCount(DynamoDbClient ddb, String table) {
    return ddb.scanPaginator(b -> b.tableName(table).select(Select.COUNT)).stream()
        .mapToLong(page -> page.count())
        .sum();
  }
}
