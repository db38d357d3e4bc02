/**
 * Internal tables and the user-facing views. Users write SQL against the views
 * (`samples`, `rollups_1m`, `events`, `tags`); the tables behind them are laid
 * out for compression and may change.
 *
 * Raw numeric samples move through three tiers: `raw_hot` (arrival order),
 * `raw_warm` (each compaction's rows sorted by (k, ts)) and `raw_cold` (each
 * closed UTC day sealed as one sort by (k, ts)). DuckDB bit-packs timestamps
 * per 2,048 rows, so only runs of one tag much longer than that delta-encode
 * to almost nothing; the warm tier's short per-tag runs do not.
 *
 * Rollups land as mergeable partials in `rollup_hot`; compaction folds them
 * into `rollup_cold`, which holds exactly one merged row per (k, bucket). A
 * late sample for a folded minute becomes a hot partial that the view merges
 * with its cold row until the next fold re-merges it.
 */
/** Hot rollup partials plus the cold rows of the same (k, bucket): everything a fold must merge. */
export const ROLLUP_TOUCHED = `SELECT * FROM rollup_hot
  UNION ALL SELECT c.* FROM rollup_cold c SEMI JOIN rollup_hot h ON h.k = c.k AND h.bucket = c.bucket`;

/** One merged rollup row (rollup_cold's columns) per (k, bucket) of the partials in `from`. */
export function mergedRollupsSql(from: string, having = ''): string {
  return `SELECT k, bucket, sum(n)::UINTEGER AS n, min(vmin) AS vmin, max(vmax) AS vmax, sum(vsum) AS vsum,
    arg_min(vfirst, first_ts) AS vfirst, min(first_ts) AS first_ts, arg_max(vlast, last_ts) AS vlast, max(last_ts) AS last_ts,
    sum(good)::UINTEGER AS good
  FROM (${from}) GROUP BY k, bucket ${having}`;
}

/** The numeric raw tiers, newest first. */
export const RAW_NUMERIC_TABLES = ['raw_hot', 'raw_warm', 'raw_cold'] as const;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS tag_meta (
  key INTEGER PRIMARY KEY, id VARCHAR NOT NULL, asset_path VARCHAR, point VARCHAR, data_type VARCHAR,
  unit VARCHAR, description VARCHAR, low DOUBLE, high DOUBLE, retention_class VARCHAR, source VARCHAR, writable BOOLEAN);
CREATE TABLE IF NOT EXISTS raw_hot (k INTEGER, ts TIMESTAMP, v DOUBLE, q UTINYINT, lag INTEGER);
CREATE TABLE IF NOT EXISTS raw_warm (k INTEGER, ts TIMESTAMP, v DOUBLE, q UTINYINT, lag INTEGER);
CREATE TABLE IF NOT EXISTS raw_cold (k INTEGER, ts TIMESTAMP, v DOUBLE, q UTINYINT, lag INTEGER);
CREATE TABLE IF NOT EXISTS raw_text (k INTEGER, ts TIMESTAMP, txt VARCHAR, q UTINYINT, lag INTEGER);
CREATE TABLE IF NOT EXISTS rollup_hot (k INTEGER, bucket TIMESTAMP, n UINTEGER, vmin DOUBLE, vmax DOUBLE, vsum DOUBLE,
  vfirst DOUBLE, first_ts TIMESTAMP, vlast DOUBLE, last_ts TIMESTAMP, good UINTEGER);
CREATE TABLE IF NOT EXISTS rollup_cold (k INTEGER, bucket TIMESTAMP, n UINTEGER, vmin DOUBLE, vmax DOUBLE, vsum DOUBLE,
  vfirst DOUBLE, first_ts TIMESTAMP, vlast DOUBLE, last_ts TIMESTAMP, good UINTEGER);
CREATE TABLE IF NOT EXISTS event_log (id VARCHAR, ts TIMESTAMP, kind VARCHAR, asset_path VARCHAR, severity VARCHAR,
  tag VARCHAR, message VARCHAR, payload JSON);
CREATE TABLE IF NOT EXISTS archive_files (path VARCHAR PRIMARY KEY, cls VARCHAR, from_ts TIMESTAMP, to_ts TIMESTAMP,
  rows BIGINT, state VARCHAR);
CREATE TABLE IF NOT EXISTS store_meta (name VARCHAR PRIMARY KEY, num DOUBLE);
CREATE OR REPLACE VIEW tags AS SELECT id, asset_path, point, data_type, unit, description, low, high, retention_class,
  source, writable FROM tag_meta;
CREATE OR REPLACE VIEW events AS SELECT id, ts, kind, asset_path, severity, tag, message, payload FROM event_log;
CREATE OR REPLACE VIEW rollups_1m AS
SELECT r.bucket, t.id AS tag, t.asset_path, t.unit, r.n AS count, r.vmin AS min, r.vmax AS max, r.vsum / r.n AS avg,
  r.vfirst AS first, r.vlast AS last, r.good AS good_count
FROM (
  SELECT c.k, c.bucket, c.n::BIGINT AS n, c.vmin, c.vmax, c.vsum, c.vfirst, c.vlast, c.good::BIGINT AS good
  FROM rollup_cold c ANTI JOIN rollup_hot h ON h.k = c.k AND h.bucket = c.bucket
  UNION ALL
  SELECT k, bucket, sum(n)::BIGINT, min(vmin), max(vmax), sum(vsum), arg_min(vfirst, first_ts), arg_max(vlast, last_ts), sum(good)::BIGINT
  FROM (${ROLLUP_TOUCHED}) GROUP BY k, bucket
) r JOIN tag_meta t ON t.key = r.k;
`;

/** Every numeric raw row (k, ts, v, q, lag) across the tiers. */
export const RAW_NUMERIC = RAW_NUMERIC_TABLES.map((t) => `SELECT k, ts, v, q, lag FROM ${t}`).join(' UNION ALL ');

const LIVE = `SELECT k, ts, v, NULL::VARCHAR AS txt, q, lag FROM raw_hot
  UNION ALL SELECT k, ts, v, NULL::VARCHAR, q, lag FROM raw_warm
  UNION ALL SELECT k, ts, v, NULL::VARCHAR, q, lag FROM raw_cold
  UNION ALL SELECT k, ts, NULL::DOUBLE, txt, q, lag FROM raw_text`;

/** Every raw row, live and (when given) archived, with internal column names. */
export function rawUnionSql(archiveFiles: readonly string[]): string {
  if (archiveFiles.length === 0) return LIVE;
  const list = archiveFiles.map(sqlString).join(', ');
  return `${LIVE}\n  UNION ALL SELECT k, ts, v, txt, q, lag FROM read_parquet([${list}])`;
}

/** The `samples` view over live tables plus the given (committed) archive files. */
export function samplesViewSql(archiveFiles: readonly string[]): string {
  return `CREATE OR REPLACE VIEW samples AS
SELECT r.ts, t.id AS tag, t.asset_path, t.unit, r.v AS value, r.txt AS value_text,
  CASE WHEN r.q >= 192 THEN 'good' WHEN r.q >= 64 THEN 'uncertain' ELSE 'bad' END AS quality,
  r.q AS quality_code, r.ts + to_milliseconds(r.lag) AS arrival
FROM (${rawUnionSql(archiveFiles)}) r JOIN tag_meta t ON t.key = r.k`;
}

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
