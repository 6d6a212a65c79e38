-- Reconciles one export load from the tables themselves, per data file: bronze rows plus records
-- quarantined while decoding must equal the file's itemCount in manifest-files.json.
-- (The pipeline checks this before it commits; this query lets anyone re-check it afterwards.)
--
-- ${catalog_schema}: where the tables are registered (see ../ddl/register_tables.sql).
-- ${export_id}:      the export id, e.g. 01700000000000-abcdef01.

WITH bronze AS (
  SELECT regexp_extract(source_position, ' file (.*) line ', 1) AS data_file, count(*) AS bronze_rows
  FROM ${catalog_schema}.dynamodb_bronze
  WHERE source = 'export' AND source_position LIKE 'export ${export_id} %'
  GROUP BY 1
),
quarantine AS (
  SELECT regexp_extract(source_position, ' file (.*) line ', 1) AS data_file,
         count_if(stage = 'decode') AS decode_quarantined,
         count_if(stage = 'map') AS map_quarantined
  FROM ${catalog_schema}.dynamodb_quarantine
  WHERE source = 'export' AND source_position LIKE 'export ${export_id} %'
  GROUP BY 1
)
SELECT coalesce(b.data_file, q.data_file) AS data_file,
       coalesce(b.bronze_rows, 0) AS bronze_rows,
       coalesce(q.decode_quarantined, 0) AS decode_quarantined,
       coalesce(q.map_quarantined, 0) AS map_quarantined,
       coalesce(b.bronze_rows, 0) + coalesce(q.decode_quarantined, 0) AS lines
FROM bronze b FULL OUTER JOIN quarantine q ON b.data_file = q.data_file
ORDER BY data_file;
