-- alert: Low order volume
-- condition: orders < 5
-- severity: WARNING
-- cooldown: 15m
-- Fewer than 5 orders inserted in the last 15 minutes of the pipeline's clock: traffic stopped, or
-- the stream did. An empty table counts as 0.
SELECT coalesce(sum(event_count), 0) AS orders
FROM orders_windowed_metrics
WHERE event_type = 'INSERT'
  AND window_end > current_timestamp() - INTERVAL 15 MINUTES
