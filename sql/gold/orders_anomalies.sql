-- The anomaly rule of the graph (HourlyAnomalies), for Databricks: each hour's order count and
-- revenue against the mean and sample standard deviation of the hours with orders among the 24
-- before it. |z| > 2 is ANOMALY, |z| > 1.5 WARNING; with fewer than two such hours, or no spread,
-- z is null and the hour NORMAL. Over orders_hourly_metrics, the gold of current orders.
WITH hourly AS (
  SELECT hour, 'order_count' AS metric, CAST(order_count AS DOUBLE) AS value
  FROM orders_hourly_metrics
  UNION ALL
  SELECT hour, 'revenue' AS metric, CAST(total_revenue AS DOUBLE) AS value
  FROM orders_hourly_metrics
),
trailing AS (
  SELECT
    c.hour,
    c.metric,
    c.value,
    avg(p.value) AS trailing_mean,
    stddev_samp(p.value) AS trailing_stddev,
    count(p.value) AS trailing_hours
  FROM hourly c
  LEFT JOIN hourly p
    ON p.metric = c.metric
    AND p.hour >= c.hour - INTERVAL 24 HOURS
    AND p.hour < c.hour
  GROUP BY c.hour, c.metric, c.value
),
scored AS (
  SELECT
    *,
    CASE WHEN trailing_stddev > 0 THEN (value - trailing_mean) / trailing_stddev END AS z_score
  FROM trailing
)
SELECT
  hour,
  metric,
  value,
  trailing_mean,
  trailing_stddev,
  trailing_hours,
  z_score,
  CASE
    WHEN abs(z_score) > 2 THEN 'ANOMALY'
    WHEN abs(z_score) > 1.5 THEN 'WARNING'
    ELSE 'NORMAL'
  END AS severity
FROM scored
