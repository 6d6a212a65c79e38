package io.ddb2delta.pipelines;

import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * The options of a ddb2delta run. AWS settings ({@code --awsRegion}, {@code --endpoint}, {@code
 * --awsCredentialsProvider}, {@code --s3ClientFactoryClass}) come from Beam's AWS options, which
 * are registered alongside.
 */
public interface Ddb2DeltaOptions extends S3Options {

  @Description(
      "Where records come from: a comma-separated list of 'export' (DynamoDB Exports to S3 at"
          + " --exportPath, full or incremental, DYNAMODB_JSON or ION), 'kinesis' (Kinesis Data"
          + " Streams for DynamoDB records from --kinesisStream) and 'dynamodb-streams' (the"
          + " DynamoDB Streams of --tableName), all read by one pipeline into the same tables. An"
          + " export alone is a bounded run; any stream makes the run streaming, e.g."
          + " --source=export,kinesis backfills and then follows the table's changes.")
  @Default.String("export")
  String getSource();

  void setSource(String value);

  @Description(
      "The export folder .../AWSDynamoDB/<ExportId>/, as a local path or s3:// URL; several,"
          + " comma-separated, load in one run. When empty,"
          + " the sample export shipped with ddb2delta is loaded.")
  @Default.String("")
  String getExportPath();

  void setExportPath(String value);

  @Description(
      "The DynamoDB table, or for streaming sources a comma-separated list of tables. Selects"
          + " among the --tableConfig mappings when given, else among the shipped ones (users,"
          + " orders, products, transactions). When empty: for an export, the table of the one"
          + " --tableConfig mapping, else the export's table; for a stream, every --tableConfig"
          + " table, or for kinesis every shipped table.")
  @Default.String("")
  String getTableName();

  void setTableName(String value);

  @Description(
      "Your own table mappings: YAML files, comma-separated, or folders (each gives its *.yaml and"
          + " *.yml files, sorted by name), or a mix; used instead of the shipped mappings. An"
          + " export takes the one mapping given, or of several the one for --tableName, else for"
          + " the export's table. Streams map every table given, or those --tableName names.")
  @Default.String("")
  String getTableConfig();

  void setTableConfig(String value);

  @Description("The folder (local path or Hadoop URI) under which the Delta tables live.")
  @Default.String("lakehouse")
  String getDeltaRoot();

  void setDeltaRoot(String value);

  @Description("The size at which a Parquet data file is rolled, in MiB.")
  @Default.Integer(128)
  int getTargetFileSizeMb();

  void setTargetFileSizeMb(int value);

  @Description(
      "When set, the run summary is also written to this file as JSON (records, rows per table,"
          + " wall and CPU seconds, peak RSS), for benchmarks and orchestration.")
  @Default.String("")
  String getSummaryFile();

  void setSummaryFile(String value);

  @Description("Seconds between progress lines; 0 prints none.")
  @Default.Integer(5)
  int getProgressIntervalSeconds();

  void setProgressIntervalSeconds(int value);

  @Description("The Kinesis stream to read with --source=kinesis.")
  @Default.String("")
  String getKinesisStream();

  void setKinesisStream(String value);

  @Description(
      "Where a streaming source starts when its tables hold no committed position: TRIM_HORIZON,"
          + " LATEST, or an ISO-8601 instant (Kinesis only). A restarted job always resumes after"
          + " the positions committed to the tables instead.")
  @Default.String("TRIM_HORIZON")
  String getInitialPosition();

  void setInitialPosition(String value);

  @Description(
      "DynamoDB Streams: when the records after a shard's position were trimmed (older than the"
          + " stream's 24 hours), read on from the shard's oldest record instead of stopping. Only"
          + " with an incremental export of each streamed table in the same run (--source=export,"
          + "dynamodb-streams), taken from before the gap to now: its rows repair the gap.")
  @Default.Boolean(false)
  boolean getStreamsAcrossTrimmedGap();

  void setStreamsAcrossTrimmedGap(boolean value);

  @Description("Stop a streaming read after this many records; 0 for no limit (bounded when set).")
  @Default.Long(0)
  long getMaxRecords();

  void setMaxRecords(long value);

  @Description(
      "Stop a streaming run once this many change messages are committed (duplicates and replays"
          + " included), as a catch-up of a known backlog does; 0 for no limit. Unlike"
          + " --maxRecords, the read stays unbounded, so every shard is read to its end.")
  @Default.Long(0)
  long getStopAfterMessages();

  void setStopAfterMessages(long value);

  @Description("Stop a streaming read after this many seconds; 0 for no limit (bounded when set).")
  @Default.Long(0)
  long getMaxReadTimeSeconds();

  void setMaxReadTimeSeconds(long value);

  @Description(
      "Run a streaming job for this long, then stop it: seconds, or a duration such as 90s, 5m"
          + " or PT1H; empty runs until Ctrl-C.")
  @Default.String("")
  String getDuration();

  void setDuration(String value);

  @Description(
      "Streaming writers: each source shard's changes are decoded, deduplicated and written to"
          + " Parquet by one of this many writers, in parallel on the workers, and one committer"
          + " commits their files. Keep it for the life of the tables; a run with another count"
          + " fails.")
  @Default.Integer(4)
  int getWriters();

  void setWriters(int value);

  @Description(
      "Seconds between streaming commits to bronze, silver and quarantine; 0 commits every pane"
          + " the runner delivers, which on the Spark runner (its default there) is once per"
          + " micro-batch, --batchIntervalMillis.")
  @Default.Integer(2)
  int getCommitIntervalSeconds();

  void setCommitIntervalSeconds(int value);

  @Description(
      "The DynamoDB table whose streamed changes feed the gold tables (orders_windowed_metrics,"
          + " orders_hourly_metrics, orders_daily_metrics, customer_analytics,"
          + " product_performance); its mapping must have the orders columns. Empty for no gold;"
          + " gold is also off when the run does not map this table.")
  @Default.String("orders")
  String getGoldTable();

  void setGoldTable(String value);

  @Description(
      "Seconds of event time after a 5-minute window's end during which a late change still"
          + " updates the window's row in orders_windowed_metrics; later ones are left out of it"
          + " (they are in bronze and silver).")
  @Default.Integer(3600)
  int getAllowedLatenessSeconds();

  void setAllowedLatenessSeconds(int value);

  @Description(
      "Keep <table>_current, one row per live item, by MERGE from what bronze holds (with its"
          + " tombstones in <table>_current_tombstones), and <table>_history, one row per item"
          + " version, for the mappings with history: true.")
  @Default.Boolean(true)
  boolean getCurrent();

  void setCurrent(boolean value);

  @Description(
      "Seconds between MERGEs into the <table>_current tables while a stream runs: the bound on"
          + " how far they lag behind bronze, besides the MERGE's own time. 0 merges at every"
          + " bronze commit.")
  @Default.Integer(5)
  int getCurrentIntervalSeconds();

  void setCurrentIntervalSeconds(int value);

  @Description(
      "The size at which a <table>_current (or <table>_history) data file is rolled, in MiB."
          + " Small files keep a MERGE to the files around its keys: at 8 MiB, 10,000 orders-like"
          + " changes into 10,000,000 rows rewrite under 2% of the table.")
  @Default.Integer(8)
  int getCurrentTargetFileSizeMb();

  void setCurrentTargetFileSizeMb(int value);

  @Description(
      "A streaming job maintains every table under --deltaRoot (as the maintain command does:"
          + " compaction, a checkpoint, a 7-day vacuum) once every this many commits of its"
          + " streams; 0 never. At the default commit interval of 2 s, 1800 commits is an hour.")
  @Default.Long(1800)
  long getMaintainEveryCommits();

  void setMaintainEveryCommits(long value);

  @Description(
      "Seconds after a window's first change at which its early pane fires, before the"
          + " watermark passes the window's end.")
  @Default.Integer(2)
  int getEarlyFiringSeconds();

  void setEarlyFiringSeconds(int value);

  @Description(
      "Seconds for which committed event ids are remembered, so that a duplicate or a replayed"
          + " record arriving within them is not written again.")
  @Default.Integer(180)
  int getDedupHorizonSeconds();

  void setDedupHorizonSeconds(int value);

  @Description(
      "Seconds after which an idle shard or stream no longer holds the watermark back"
          + " (KinesisIO's own default is 2 minutes).")
  @Default.Integer(2)
  int getIdleWatermarkSeconds();

  void setIdleWatermarkSeconds(int value);

  @Description(
      "On a Kinesis restart, how many seconds before the oldest committed shard position to"
          + " resume reading; records already committed are skipped, so this only costs reads.")
  @Default.Integer(300)
  int getResumeMarginSeconds();

  void setResumeMarginSeconds(int value);

  @Description(
      "With --source=export,kinesis and nothing committed yet: how many seconds before the"
          + " export time the Kinesis read starts, so that a change made just after the export time"
          + " is read even when the two clocks disagree. The overlap is written, counted and"
          + " reported, never hidden.")
  @Default.Integer(300)
  int getExportOverlapSeconds();

  void setExportOverlapSeconds(int value);

  @Description(
      "The Kinesis endpoint, e.g. http://127.0.0.1:4567; empty for --endpoint, or else AWS.")
  @Default.String("")
  String getKinesisEndpoint();

  void setKinesisEndpoint(String value);

  @Description("The DynamoDB (and DynamoDB Streams) endpoint; empty for --endpoint, or else AWS.")
  @Default.String("")
  String getDynamodbEndpoint();

  void setDynamodbEndpoint(String value);
}
