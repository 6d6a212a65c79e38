-- title: Order value inserted, last hour
-- widget: counter
-- value: revenue
-- The amounts of the orders inserted in the latest hour of the change log.
SELECT coalesce(sum(total_amount), 0) AS revenue
FROM orders_windowed_metrics
WHERE event_type = 'INSERT'
  AND window_start > (SELECT max(window_start) FROM orders_windowed_metrics) - INTERVAL 1 HOUR
