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
