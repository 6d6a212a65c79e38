-- alert: Pipeline lag
-- condition: lag_seconds > 60
-- severity: CRITICAL
-- cooldown: 10m
-- Bronze is more than a minute behind: either its newest commit is older than 60 s (the freshness
-- SLO), or the changes it committed in the last 5 minutes took more than 60 s at p99 to become
-- visible. No commit at all reads as a very large lag.
SELECT greatest(
    coalesce(unix_timestamp(current_timestamp()) - unix_timestamp(max(committed_at)), 1e9),
    coalesce(max(CASE WHEN committed_at > current_timestamp() - INTERVAL 5 MINUTES
                      THEN latency_p99_ms END) / 1000.0, 0)) AS lag_seconds
FROM pipeline_health
WHERE table_name = 'dynamodb_bronze'
