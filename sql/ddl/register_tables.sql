-- Registers the Delta tables that ddb2delta writes as external tables, so Databricks SQL, dashboards
-- and grants can name them. The pipeline creates and owns the tables (Delta protocol 1,2); these
-- statements only point the catalog at them and never change their data or schema.
--
-- ${catalog_schema}: the schema to register in, e.g. main.ddb2delta (Unity Catalog) or ddb2delta.
-- ${delta_root}:     the pipeline's --deltaRoot, e.g. s3://my-lake/ddb2delta.
-- Statements are separated by semicolons at the end of a line; tools split on that.

CREATE SCHEMA IF NOT EXISTS ${catalog_schema};

CREATE TABLE IF NOT EXISTS ${catalog_schema}.dynamodb_bronze
USING DELTA LOCATION '${delta_root}/dynamodb_bronze';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.dynamodb_quarantine
USING DELTA LOCATION '${delta_root}/dynamodb_quarantine';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.orders_silver
USING DELTA LOCATION '${delta_root}/orders_silver';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.users_silver
USING DELTA LOCATION '${delta_root}/users_silver';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.products_silver
USING DELTA LOCATION '${delta_root}/products_silver';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.transactions_silver
USING DELTA LOCATION '${delta_root}/transactions_silver';

-- <table>_current: one row per live item, kept by MERGE (--current, on by default), and the
-- tombstones of its deleted keys. Their columns follow the table mapping, as silver's do.

CREATE TABLE IF NOT EXISTS ${catalog_schema}.orders_current
USING DELTA LOCATION '${delta_root}/orders_current';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.users_current
USING DELTA LOCATION '${delta_root}/users_current';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.products_current
USING DELTA LOCATION '${delta_root}/products_current';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.transactions_current
USING DELTA LOCATION '${delta_root}/transactions_current';

-- <table>_history: every version of each item, for the mappings with history: true (orders, as
-- shipped), kept in the same MERGE pass. Its columns follow the table mapping, as _current's do.

CREATE TABLE IF NOT EXISTS ${catalog_schema}.orders_history
USING DELTA LOCATION '${delta_root}/orders_history';

-- The tables below are written by a streaming run with gold (--goldTable, default orders). Their
-- columns are spelled out: Databricks checks them against the table at the location, so these
-- statements also fail loudly if the pipeline's schema and this file ever part.

CREATE TABLE IF NOT EXISTS ${catalog_schema}.orders_windowed_metrics (
  window_start TIMESTAMP NOT NULL,
  window_end TIMESTAMP NOT NULL,
  event_type STRING NOT NULL,
  event_count BIGINT NOT NULL,
  total_amount DECIMAL(18,2),
  unique_customers BIGINT NOT NULL,
  avg_order_value DECIMAL(12,2),
  _version BIGINT NOT NULL,
  updated_at TIMESTAMP NOT NULL
) USING DELTA LOCATION '${delta_root}/orders_windowed_metrics';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.orders_hourly_metrics (
  hour TIMESTAMP NOT NULL,
  order_count BIGINT NOT NULL,
  total_revenue DECIMAL(18,2),
  avg_order_value DECIMAL(12,2),
  unique_customers BIGINT NOT NULL,
  _version BIGINT NOT NULL,
  updated_at TIMESTAMP NOT NULL
) USING DELTA LOCATION '${delta_root}/orders_hourly_metrics';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.orders_daily_metrics (
  order_date DATE NOT NULL,
  order_status STRING NOT NULL,
  order_count BIGINT NOT NULL,
  total_amount DECIMAL(18,2),
  avg_order_value DECIMAL(12,2),
  unique_customers BIGINT NOT NULL,
  _version BIGINT NOT NULL,
  updated_at TIMESTAMP NOT NULL
) USING DELTA LOCATION '${delta_root}/orders_daily_metrics';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.customer_analytics (
  customer_id STRING NOT NULL,
  order_count BIGINT NOT NULL,
  lifetime_value DECIMAL(18,2),
  avg_order_value DECIMAL(12,2),
  first_order_at TIMESTAMP,
  last_order_at TIMESTAMP,
  tenure_days INT,
  _version BIGINT NOT NULL,
  updated_at TIMESTAMP NOT NULL
) USING DELTA LOCATION '${delta_root}/customer_analytics';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.product_performance (
  product_id STRING NOT NULL,
  order_count BIGINT NOT NULL,
  total_revenue DECIMAL(18,2),
  avg_price DECIMAL(12,2),
  unique_customers BIGINT NOT NULL,
  _version BIGINT NOT NULL,
  updated_at TIMESTAMP NOT NULL
) USING DELTA LOCATION '${delta_root}/product_performance';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.orders_anomalies (
  hour TIMESTAMP NOT NULL,
  metric STRING NOT NULL,
  value DOUBLE,
  trailing_mean DOUBLE,
  trailing_stddev DOUBLE,
  trailing_hours BIGINT NOT NULL,
  z_score DOUBLE,
  severity STRING NOT NULL,
  _version BIGINT NOT NULL,
  updated_at TIMESTAMP NOT NULL
) USING DELTA LOCATION '${delta_root}/orders_anomalies';

CREATE TABLE IF NOT EXISTS ${catalog_schema}.pipeline_health (
  committed_at TIMESTAMP NOT NULL,
  table_name STRING NOT NULL,
  table_version BIGINT NOT NULL,
  app_id STRING NOT NULL,
  records BIGINT NOT NULL,
  batch BIGINT,
  messages BIGINT,
  duplicates BIGINT,
  quarantined BIGINT,
  commit_duration_ms BIGINT NOT NULL,
  source_lag_ms BIGINT,
  latency_p50_ms BIGINT,
  latency_p99_ms BIGINT
) USING DELTA LOCATION '${delta_root}/pipeline_health';
