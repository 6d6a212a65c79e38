-- title: Orders by current status
-- widget: pie
-- angle: orders
-- color: order_status
-- Each order counted once, with the status it has now (the seed counted each order with the status
-- it was inserted with): orders_current holds one row per live order.
SELECT order_status, count(*) AS orders
FROM orders_current
WHERE order_status IS NOT NULL
GROUP BY order_status
ORDER BY orders DESC, order_status
