-- alert: Order anomaly
-- condition: anomalies > 0
-- severity: CRITICAL
-- cooldown: 1h
-- An hour of the last 3 whose order count or revenue is more than 2 standard deviations from its
-- trailing 24 hours (orders_anomalies, computed in the pipeline).
SELECT count(*) AS anomalies
FROM orders_anomalies
WHERE severity = 'ANOMALY'
  AND hour > current_timestamp() - INTERVAL 3 HOURS
