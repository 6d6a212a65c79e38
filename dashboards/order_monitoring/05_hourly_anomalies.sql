-- title: Hourly anomaly check
-- widget: table
-- columns: hour, metric, value, trailing_mean, z_score, severity
-- The latest 24 hours' order count and revenue against their trailing 24 hours: WARNING above 1.5
-- standard deviations, ANOMALY above 2; the hours that are not NORMAL first.
SELECT hour, metric, value, round(trailing_mean, 2) AS trailing_mean, round(z_score, 2) AS z_score,
  severity
FROM orders_anomalies
WHERE hour > (SELECT max(hour) FROM orders_anomalies) - INTERVAL 24 HOURS
ORDER BY CASE severity WHEN 'ANOMALY' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, hour DESC, metric
LIMIT 48
