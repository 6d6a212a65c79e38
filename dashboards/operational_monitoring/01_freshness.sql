-- title: Freshness per table (SLO 60 s)
-- widget: table
-- columns: table_name, last_commit, seconds_since_commit, status
-- Seconds since each table's newest commit, against the freshness SLO: a streaming table that has
-- not committed for 60 s (30 commit intervals) is STALE. Times are the pipeline's clock.
SELECT table_name,
  max(committed_at) AS last_commit,
  unix_timestamp(current_timestamp()) - unix_timestamp(max(committed_at)) AS seconds_since_commit,
  CASE
    WHEN unix_timestamp(current_timestamp()) - unix_timestamp(max(committed_at)) <= 60 THEN 'OK'
    ELSE 'STALE'
  END AS status
FROM pipeline_health
GROUP BY table_name
ORDER BY table_name
