package io.ddb2delta.tools;

import io.ddb2delta.cdc.SdkAttributeValues;
import io.ddb2delta.model.DynamoValue;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Writes realistic traffic for the {@link SyntheticTable}s into DynamoDB: INSERTs of new items,
 * MODIFYs that move orders through pending → shipped → completed (or cancelled) and update users,
 * products and transactions, and REMOVEs of existing items, paced to a rate.
 *
 * <p>Guarantees: tables that do not exist are created (the table's key attribute as S hash key,
 * PAY_PER_REQUEST, stream NEW_AND_OLD_IMAGES); existing tables are used as they are. Every write is
 * conditional, so each logged INSERT created an item, each logged MODIFY changed an existing item
 * and each logged REMOVE deleted one: on a table the generator alone writes, the stream holds one
 * record per logged change and the item count grows by inserts − removes. A write whose condition
 * fails (a key left by an earlier run with the same seed) is not logged, is counted as skipped, and
 * its key is never targeted again. The sequence of changes is fixed by the config (see {@link
 * LoadPlan}); only timestamps and pacing depend on the clock. The client is not closed here.
 */
public final class LoadGenerator {
  /** The three kinds of change, named as DynamoDB Streams names them. */
  public enum Op {
    INSERT,
    MODIFY,
    REMOVE
  }

  /** Percentages of INSERT, MODIFY and REMOVE draws; they sum to 100. */
  public record Mix(int insert, int modify, int remove) {
    public Mix {
      if (insert < 0 || modify < 0 || remove < 0 || insert + modify + remove != 100) {
        throw new IllegalArgumentException(
            "the mix needs three percentages >= 0 that sum to 100, got "
                + insert
                + ","
                + modify
                + ","
                + remove);
      }
    }

    /** {@code "60,30,10"}: insert, modify, remove. */
    public static Mix parse(String text) {
      String[] parts = text.split(",", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "the mix is insert,modify,remove, e.g. 60,30,10: " + text);
      }
      try {
        return new Mix(
            Integer.parseInt(parts[0].strip()),
            Integer.parseInt(parts[1].strip()),
            Integer.parseInt(parts[2].strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the mix holds whole percentages: " + text, e);
      }
    }

    Op draw(SplittableRandom random) {
      int x = random.nextInt(100);
      return x < insert ? Op.INSERT : x < insert + modify ? Op.MODIFY : Op.REMOVE;
    }
  }

  /**
   * What to generate. A run stops after {@code maxChanges} logged changes or after {@code
   * duration}, whichever comes first; at least one must be set ({@code maxChanges} 0 and {@code
   * duration} null mean unset).
   */
  public record Config(
      List<SyntheticTable> tables,
      double rate,
      Mix mix,
      long seed,
      long maxChanges,
      Duration duration,
      int maxLiveKeys) {
    public static final int DEFAULT_MAX_LIVE_KEYS = 10_000;

    public Config {
      tables = List.copyOf(tables);
      if (tables.isEmpty() || tables.stream().distinct().count() != tables.size()) {
        throw new IllegalArgumentException("need one or more distinct tables: " + tables);
      }
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("the rate must be positive: " + rate);
      }
      if (maxChanges < 0 || (duration != null && (duration.isNegative() || duration.isZero()))) {
        throw new IllegalArgumentException("max changes must be >= 0 and duration positive");
      }
      if (maxChanges == 0 && duration == null) {
        throw new IllegalArgumentException("set max changes, a duration, or both");
      }
      if (maxLiveKeys < 1) {
        throw new IllegalArgumentException("max live keys must be >= 1: " + maxLiveKeys);
      }
    }

    public Config(
        List<SyntheticTable> tables,
        double rate,
        Mix mix,
        long seed,
        long maxChanges,
        Duration duration) {
      this(tables, rate, mix, seed, maxChanges, duration, DEFAULT_MAX_LIVE_KEYS);
    }
  }

  /** Where a run stands: logged changes by table and op, skipped writes and elapsed time. */
  public record Summary(
      Map<String, Map<Op, Long>> counts, long total, long skipped, Duration elapsed) {
    public double achievedRate() {
      double seconds = elapsed.toNanos() / 1e9;
      return seconds > 0 ? total / seconds : 0;
    }

    /** One line, e.g. {@code 1200 changes in 6.0 s (200.0/s), 0 skipped; orders INSERT=...}. */
    public String format() {
      StringBuilder b =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%d changes in %.1f s (%.1f/s), %d skipped",
                  total,
                  elapsed.toMillis() / 1000.0,
                  achievedRate(),
                  skipped));
      counts.forEach(
          (table, byOp) -> {
            b.append("; ").append(table);
            byOp.forEach((op, n) -> b.append(' ').append(op).append('=').append(n));
          });
      return b.toString();
    }
  }

  private final DynamoDbClient dynamoDb;
  private final Config config;
  private final LoadLog log;
  private final Pacer.Clock clock;

  public LoadGenerator(DynamoDbClient dynamoDb, Config config, LoadLog log) {
    this(dynamoDb, config, log, Pacer.Clock.SYSTEM);
  }

  LoadGenerator(DynamoDbClient dynamoDb, Config config, LoadLog log, Pacer.Clock clock) {
    this.dynamoDb = dynamoDb;
    this.config = config;
    this.log = log;
    this.clock = clock;
  }

  /** Creates each missing table and waits until it is ACTIVE. */
  public void createTables() {
    for (SyntheticTable table : config.tables()) {
      try {
        dynamoDb.describeTable(b -> b.tableName(table.tableName()));
        continue;
      } catch (ResourceNotFoundException missing) {
        // Created below.
      }
      dynamoDb.createTable(
          b ->
              b.tableName(table.tableName())
                  .keySchema(
                      KeySchemaElement.builder()
                          .attributeName(table.keyAttribute())
                          .keyType(KeyType.HASH)
                          .build())
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName(table.keyAttribute())
                          .attributeType(ScalarAttributeType.S)
                          .build())
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .streamSpecification(
                      StreamSpecification.builder()
                          .streamEnabled(true)
                          .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                          .build()));
      dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(table.tableName()));
    }
  }

  /**
   * Creates missing tables, then writes until the config's limit; calls {@code progress} about
   * every {@code every} and returns the final summary.
   */
  public Summary run(Consumer<Summary> progress, Duration every) throws InterruptedException {
    createTables();
    LoadPlan plan = new LoadPlan(config);
    Pacer pacer = new Pacer(config.rate(), clock);
    long start = clock.nanoTime();
    long deadline = config.duration() == null ? Long.MAX_VALUE : config.duration().toNanos();
    long limit = config.maxChanges() == 0 ? Long.MAX_VALUE : config.maxChanges();
    long nextReport = every.toNanos();
    long skipped = 0;
    long logged = 0;
    while (logged < limit && clock.nanoTime() - start < deadline) {
      pacer.acquire();
      LoadPlan.Change change = plan.next(Instant.now());
      long writeStart = System.currentTimeMillis();
      if (write(change)) {
        log.append(
            new LoadLog.Entry(
                writeStart,
                System.currentTimeMillis(),
                change.table().tableName(),
                change.op(),
                change.key()));
        logged++;
      } else {
        plan.forget(change.table(), change.key());
        skipped++;
      }
      long elapsed = clock.nanoTime() - start;
      if (elapsed >= nextReport) {
        progress.accept(summary(skipped, elapsed));
        nextReport = elapsed + every.toNanos();
      }
    }
    try {
      log.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot flush the load log", e);
    }
    return summary(skipped, clock.nanoTime() - start);
  }

  private Summary summary(long skipped, long elapsedNanos) {
    return new Summary(log.counts(), log.total(), skipped, Duration.ofNanos(elapsedNanos));
  }

  /** Makes one change; false if its condition failed, i.e. the item was not as planned. */
  private boolean write(LoadPlan.Change change) {
    String tableName = change.table().tableName();
    Map<String, String> names = new HashMap<>();
    names.put("#k", change.table().keyAttribute());
    Map<String, AttributeValue> key =
        Map.of(change.table().keyAttribute(), AttributeValue.fromS(change.key()));
    try {
      switch (change.op()) {
        case INSERT ->
            dynamoDb.putItem(
                b ->
                    b.tableName(tableName)
                        .item(SdkAttributeValues.toSdkItem(change.item()))
                        .conditionExpression("attribute_not_exists(#k)")
                        .expressionAttributeNames(names));
        case MODIFY -> {
          Map<String, AttributeValue> values = new HashMap<>();
          StringBuilder set = new StringBuilder("SET ");
          int i = 0;
          for (Map.Entry<String, DynamoValue> e : change.changed().entrySet()) {
            if (i > 0) {
              set.append(", ");
            }
            names.put("#a" + i, e.getKey());
            values.put(":v" + i, SdkAttributeValues.toSdk(e.getValue()));
            set.append("#a").append(i).append(" = :v").append(i);
            i++;
          }
          dynamoDb.updateItem(
              b ->
                  b.tableName(tableName)
                      .key(key)
                      .updateExpression(set.toString())
                      .conditionExpression("attribute_exists(#k)")
                      .expressionAttributeNames(names)
                      .expressionAttributeValues(values));
        }
        case REMOVE ->
            dynamoDb.deleteItem(
                b ->
                    b.tableName(tableName)
                        .key(key)
                        .conditionExpression("attribute_exists(#k)")
                        .expressionAttributeNames(names));
      }
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }
}
