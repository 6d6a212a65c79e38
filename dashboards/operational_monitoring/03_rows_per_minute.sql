-- title: Rows committed per minute
-- widget: bar
-- x: minute
-- y: records
-- color: table_name
-- Rows committed per minute and table over the latest 2 hours.
SELECT date_trunc('MINUTE', committed_at) AS minute, table_name, sum(records) AS records
FROM pipeline_health
WHERE committed_at > (SELECT max(committed_at) FROM pipeline_health) - INTERVAL 2 HOURS
GROUP BY 1, 2
ORDER BY 1, 2
