-- title: Top customers by lifetime value
-- widget: table
-- columns: customer_id, lifetime_value, order_count, avg_order_value, first_order_at, last_order_at, tenure_days
-- The ten customers whose current orders add up to the most.
SELECT customer_id, lifetime_value, order_count, avg_order_value, first_order_at, last_order_at,
  tenure_days
FROM customer_analytics
ORDER BY lifetime_value DESC, customer_id
LIMIT 10
