-- title: Changes per 5 minutes
-- widget: line
-- x: window_start
-- y: event_count
-- color: event_type
-- The change log in 5-minute event-time windows over the latest 6 hours; a late change updates
-- its window's row.
SELECT window_start, event_type, event_count
FROM orders_windowed_metrics
WHERE window_start > (SELECT max(window_start) FROM orders_windowed_metrics) - INTERVAL 6 HOURS
ORDER BY window_start, event_type
