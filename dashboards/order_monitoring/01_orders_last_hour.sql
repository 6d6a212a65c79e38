-- title: Orders, last hour
-- widget: counter
-- value: orders
-- Orders inserted in the latest hour of the change log (12 five-minute windows up to the newest),
-- each change counted once.
SELECT coalesce(sum(event_count), 0) AS orders
FROM orders_windowed_metrics
WHERE event_type = 'INSERT'
  AND window_start > (SELECT max(window_start) FROM orders_windowed_metrics) - INTERVAL 1 HOUR
