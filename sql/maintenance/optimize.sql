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

-- <table>_current: ZORDER BY its one key column sorts it by key, which keeps the files' key ranges
-- apart as the pipeline's MERGE lays them out (it then reads only the files around a changed key).
-- The pipeline's own `maintain` does the same; run one of the two.
OPTIMIZE ${catalog_schema}.orders_current ZORDER BY (order_id);

OPTIMIZE ${catalog_schema}.users_current ZORDER BY (user_id);

OPTIMIZE ${catalog_schema}.products_current ZORDER BY (product_id);

OPTIMIZE ${catalog_schema}.transactions_current ZORDER BY (transaction_id);

-- <table>_history (orders, as shipped): the same, by the item's first key column, under which all
-- of an item's versions sit together.
OPTIMIZE ${catalog_schema}.orders_history ZORDER BY (order_id);

VACUUM ${catalog_schema}.dynamodb_bronze RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_silver RETAIN 168 HOURS;

VACUUM ${catalog_schema}.pipeline_health RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_windowed_metrics RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_hourly_metrics RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_daily_metrics RETAIN 168 HOURS;

VACUUM ${catalog_schema}.customer_analytics RETAIN 168 HOURS;

VACUUM ${catalog_schema}.product_performance RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_anomalies RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_current RETAIN 168 HOURS;

VACUUM ${catalog_schema}.users_current RETAIN 168 HOURS;

VACUUM ${catalog_schema}.products_current RETAIN 168 HOURS;

VACUUM ${catalog_schema}.transactions_current RETAIN 168 HOURS;

VACUUM ${catalog_schema}.orders_history RETAIN 168 HOURS;
