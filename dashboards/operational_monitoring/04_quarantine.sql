-- title: Quarantined records by error
-- widget: bar
-- x: error_class
-- y: records
-- color: table_name
-- Every record that could not be decoded or typed, by its error class; none is ever dropped.
SELECT table_name, error_class, count(*) AS records
FROM dynamodb_quarantine
GROUP BY table_name, error_class
ORDER BY records DESC, table_name, error_class
