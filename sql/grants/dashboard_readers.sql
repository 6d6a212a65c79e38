-- Lets the dashboard readers query ddb2delta's tables and nothing else, in Unity Catalog; run after
-- ../ddl/register_tables.sql, by a metastore admin or the catalog's owner.
--
-- The readers get USE CATALOG and USE SCHEMA, which only let them reach the schema, and SELECT on the
-- schema, which Unity Catalog passes down to every table and view in it: bronze, silver,
-- <table>_current, quarantine, gold, orders_anomalies and pipeline_health. The schema therefore
-- holds only tables the readers may see. They get no MODIFY, no CREATE, no READ FILES on the
-- storage: they read the tables through the catalog, never the files under --deltaRoot.
--
-- The jobs' service principal owns the schema and the tables. The pipeline creates the tables and
-- writes them with delta-standalone at Delta protocol (1,2); only the owner and admins can alter
-- them, so no reader or dashboard can upgrade their protocol or change their properties.
--
-- ${catalog}:        the catalog, e.g. main.
-- ${catalog_schema}: the schema the tables are registered in, inside ${catalog}, e.g. main.ddb2delta
--                    (as in ../ddl/register_tables.sql).
-- ${job_principal}:  the application ID of the service principal the jobs run as (the bundle's
--                    job_identity in prod).
-- The group ddb2delta_dashboard_readers is an account-level group, created by an account admin.
-- Statements are separated by semicolons at the end of a line; tools split on that.

ALTER SCHEMA ${catalog_schema} OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.dynamodb_bronze OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.dynamodb_quarantine OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.orders_silver OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.users_silver OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.products_silver OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.transactions_silver OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.orders_current OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.users_current OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.products_current OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.transactions_current OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.orders_history OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.orders_windowed_metrics OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.orders_hourly_metrics OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.orders_daily_metrics OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.customer_analytics OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.product_performance OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.orders_anomalies OWNER TO `${job_principal}`;

ALTER TABLE ${catalog_schema}.pipeline_health OWNER TO `${job_principal}`;

GRANT USE CATALOG ON CATALOG ${catalog} TO `ddb2delta_dashboard_readers`;

GRANT USE SCHEMA ON SCHEMA ${catalog_schema} TO `ddb2delta_dashboard_readers`;

GRANT SELECT ON SCHEMA ${catalog_schema} TO `ddb2delta_dashboard_readers`;
