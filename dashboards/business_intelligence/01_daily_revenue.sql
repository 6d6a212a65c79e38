-- title: Daily order value by creation date
-- widget: line
-- x: order_date
-- y: revenue
-- The amounts of the orders as they are now, by the day they were created; cancelled orders apart.
SELECT order_date,
  sum(CASE WHEN order_status <> 'cancelled' THEN total_amount ELSE 0 END) AS revenue,
  sum(CASE WHEN order_status = 'cancelled' THEN total_amount ELSE 0 END) AS cancelled
FROM orders_daily_metrics
GROUP BY order_date
ORDER BY order_date
