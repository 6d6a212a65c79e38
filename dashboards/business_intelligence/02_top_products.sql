-- title: Top products by revenue
-- widget: bar
-- x: product_id
-- y: total_revenue
-- The ten products whose current orders add up to the most.
SELECT product_id, total_revenue, order_count, avg_price
FROM product_performance
ORDER BY total_revenue DESC, product_id
LIMIT 10
