-- title: Orders by current status
-- widget: pie
-- angle: orders
-- color: order_status
-- Each order counted once, with the status it has now (the seed counted each order with the status
-- it was inserted with): orders_daily_metrics keeps orders by their current status.
SELECT order_status, sum(order_count) AS orders
FROM orders_daily_metrics
GROUP BY order_status
ORDER BY orders DESC, order_status
