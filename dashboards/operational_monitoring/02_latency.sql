-- title: Event to visible latency, bronze (ms)
-- widget: line
-- x: minute
-- y: latency_p99_ms
-- Per minute of the latest 2 hours: the worst p50 and p99 of the time from a change's event time
-- to the bronze commit that made it readable, over the commits that carried changes.
SELECT date_trunc('MINUTE', committed_at) AS minute,
  max(latency_p50_ms) AS latency_p50_ms,
  max(latency_p99_ms) AS latency_p99_ms
FROM pipeline_health
WHERE table_name = 'dynamodb_bronze'
  AND latency_p50_ms IS NOT NULL
  AND committed_at > (SELECT max(committed_at) FROM pipeline_health) - INTERVAL 2 HOURS
GROUP BY 1
ORDER BY 1
