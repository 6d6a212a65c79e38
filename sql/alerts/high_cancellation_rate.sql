-- alert: High cancellation rate
-- condition: cancelled_share > 0.2
-- severity: WARNING
-- cooldown: 1h
-- More than a fifth of the orders created on the latest day are now cancelled (by their current
-- status, not the status they were inserted with).
SELECT coalesce(
    sum(CASE WHEN order_status = 'cancelled' THEN order_count ELSE 0 END) / sum(order_count),
    0) AS cancelled_share
FROM orders_daily_metrics
WHERE order_date = (SELECT max(order_date) FROM orders_daily_metrics)
