package io.ddb2delta.local;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DynamoDB Local, kinesalite and s3proxy, each optional, all bound to 127.0.0.1.
 *
 * <p>{@link #start} starts the selected services one after the other; if one fails, those already
 * started are stopped before the error is thrown. {@link #close()} stops them all, in reverse
 * order, and rethrows the first failure after trying every one.
 */
public final class LocalStack implements AutoCloseable {

  /**
   * Which services to start, and on which ports (0: a free one).
   *
   * @param dynamoDb start DynamoDB Local (with Streams)
   * @param kinesis start kinesalite
   * @param s3 start s3proxy
   */
  public record Config(
      boolean dynamoDb,
      int dynamoDbPort,
      boolean kinesis,
      int kinesisPort,
      boolean s3,
      int s3Port) {

    /** All three, on free ports. */
    public static Config all() {
      return new Config(true, 0, true, 0, true, 0);
    }
  }

  private final LocalDynamoDb dynamoDb;
  private final LocalKinesis kinesis;
  private final LocalS3 s3;

  private LocalStack(LocalDynamoDb dynamoDb, LocalKinesis kinesis, LocalS3 s3) {
    this.dynamoDb = dynamoDb;
    this.kinesis = kinesis;
    this.s3 = s3;
  }

  public static LocalStack start(Config config) {
    LocalDynamoDb dynamoDb = null;
    LocalKinesis kinesis = null;
    LocalS3 s3 = null;
    try {
      if (config.dynamoDb()) {
        dynamoDb = LocalDynamoDb.start(config.dynamoDbPort());
      }
      if (config.kinesis()) {
        kinesis = LocalKinesis.start(config.kinesisPort());
      }
      if (config.s3()) {
        s3 = LocalS3.start(config.s3Port());
      }
      return new LocalStack(dynamoDb, kinesis, s3);
    } catch (RuntimeException e) {
      try {
        new LocalStack(dynamoDb, kinesis, s3).close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  public Optional<LocalDynamoDb> dynamoDb() {
    return Optional.ofNullable(dynamoDb);
  }

  public Optional<LocalKinesis> kinesis() {
    return Optional.ofNullable(kinesis);
  }

  public Optional<LocalS3> s3() {
    return Optional.ofNullable(s3);
  }

  /**
   * The endpoints and, per service, the Beam flags that reach it. Each service has its own
   * endpoint, and Beam's {@code --endpoint} applies to every AWS client of a pipeline, so a
   * pipeline that reads one and writes another needs a per-IO client configuration instead.
   */
  public String describe() {
    StringBuilder text = new StringBuilder();
    if (dynamoDb != null) {
      describe(text, "DynamoDB Local (with Streams)", dynamoDb.endpoint(), dynamoDb.pipelineArgs());
    }
    if (kinesis != null) {
      List<String> args = new ArrayList<>(kinesis.pipelineArgs());
      args.add("(and the JVM flag -Daws.cborEnabled=false: kinesalite cannot read CBOR)");
      describe(text, "Kinesis (kinesalite)", kinesis.endpoint(), args);
    }
    if (s3 != null) {
      describe(text, "S3 (s3proxy)", s3.endpoint(), s3.pipelineArgs());
    }
    return text.toString();
  }

  private static void describe(StringBuilder text, String name, URI endpoint, List<String> args) {
    text.append(name).append(": ").append(endpoint).append('\n');
    for (String arg : args) {
      // Single quotes keep the JSON's double quotes through a shell and through exec.args.
      text.append("  ").append(arg.contains("\"") ? "'" + arg + "'" : arg).append('\n');
    }
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (AutoCloseable service : new AutoCloseable[] {s3, kinesis, dynamoDb}) {
      if (service == null) {
        continue;
      }
      try {
        service.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
