-- title: Order funnel
-- widget: bar
-- x: stage
-- y: orders
-- How many orders reached each stage, by their current status: an order that is completed was also
-- shipped and placed. (The seed aliased a table "to", a reserved word in ANSI mode.)
WITH now AS (
  SELECT order_status, count(*) AS orders
  FROM orders_current
  WHERE order_status IS NOT NULL
  GROUP BY order_status
),
stages AS (
  SELECT 1 AS step, 'placed' AS stage, sum(orders) AS orders FROM now
  UNION ALL
  SELECT 2, 'shipped', coalesce(sum(orders), 0) FROM now WHERE order_status IN ('shipped', 'completed')
  UNION ALL
  SELECT 3, 'completed', coalesce(sum(orders), 0) FROM now WHERE order_status = 'completed'
  UNION ALL
  SELECT 4, 'cancelled', coalesce(sum(orders), 0) FROM now WHERE order_status = 'cancelled'
)
SELECT stage, orders FROM stages ORDER BY step
