-- Maintenance, on a schedule (e.g. nightly). Streaming commits every few seconds make many small
-- files: OPTIMIZE bin-packs them (a dataChange=false rewrite that readers and the pipeline's own
-- commits tolerate), ZORDER clusters orders_silver for the dashboards' customer and time filters,
-- and VACUUM removes files no version within the retention needs.
--
-- ${catalog_schema}: where register_tables.sql registered the tables.
-- Keep VACUUM's retention at or above the longest time a reader or a time-travel query may need
-- an old version, and above the pipeline's --dedupHorizonSeconds.

OPTIMIZE ${catalog_schema}.dynamodb_bronze;

OPTIMIZE ${catalog_schema}.orders_silver ZORDER BY (customer_id, event_timestamp);

OPTIMIZE ${catalog_schema}.pipeline_health;

OPTIMIZE ${catalog_schema}.dynamodb_quarantine;

VACUUM ${catalog_schema}.dynamodb_bronze RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_silver RETAIN 168 HOURS;

VACUUM ${catalog_schema}.pipeline_health RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_windowed_metrics RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_hourly_metrics RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_daily_metrics RETAIN 168 HOURS;

VACUUM ${catalog_schema}.customer_analytics RETAIN 168 HOURS;

VACUUM ${catalog_schema}.product_performance RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_anomalies RETAIN 168 HOURS;
