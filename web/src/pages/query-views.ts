/** The SQL views of a node (README "SQL"), listed beside the editor. */
export const VIEWS = [
  { name: 'samples', columns: ['ts', 'tag', 'asset_path', 'unit', 'value', 'value_text', 'quality', 'quality_code', 'arrival'] },
  { name: 'rollups_1m', columns: ['bucket', 'tag', 'asset_path', 'unit', 'count', 'min', 'max', 'avg', 'first', 'last', 'good_count'] },
  { name: 'events', columns: ['id', 'ts', 'kind', 'asset_path', 'severity', 'tag', 'message', 'payload'] },
  { name: 'tags', columns: ['id', 'asset_path', 'point', 'data_type', 'unit', 'description', 'low', 'high', 'retention_class', 'source', 'writable'] },
] as const;

export const EXAMPLES = [
  { title: 'Newest values', sql: 'select ts, tag, value, unit, quality from samples\norder by ts desc limit 50' },
  { title: 'One tag, 1-min bands, last 6 h', sql: "select bucket, min, avg, max from rollups_1m\nwhere tag = 'line1.filler.product_temp' and bucket > now() - interval 6 hour\norder by bucket" },
  { title: 'Samples not good, by asset', sql: "select asset_path, quality, count(*) as n from samples\nwhere quality <> 'good' group by all order by n desc" },
  { title: 'Events today', sql: "select ts, kind, severity, asset_path, message from events\nwhere ts > current_date order by ts desc" },
] as const;
