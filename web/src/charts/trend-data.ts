import { runQuery, sqlList } from '../api/sql.js';

/** Raw samples up to this span; 1-minute rollups (min/max/avg) beyond it. */
export const RAW_SPAN_MS = 2 * 3_600_000;
const TARGET_POINTS = 1500;
const BUCKET_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1440];
const MAX_ROWS = 200_000;

/** One tag's values aligned to `TrendData.x`; min/max only for rollups. */
export interface TrendSeriesData {
  tag: string;
  avg: (number | null)[];
  min?: (number | null)[];
  max?: (number | null)[];
}

export interface TrendData {
  /** Seconds (uPlot's time unit). */
  x: number[];
  series: TrendSeriesData[];
  kind: 'raw' | 'rollup';
  /** Rollup bucket in minutes. */
  bucketMinutes?: number;
  truncated: boolean;
}

/** The bucket (in whole minutes) that keeps a span near TARGET_POINTS points. */
export function bucketFor(spanMs: number): number {
  const want = spanMs / 60_000 / TARGET_POINTS;
  return BUCKET_MINUTES.find((m) => m >= want) ?? BUCKET_MINUTES.at(-1)!;
}

/** Loads a trend of `tags` over [from, to): raw samples for short spans, min/max/avg of rollups for long ones. */
export async function loadTrend(tags: readonly string[], from: number, to: number, signal?: AbortSignal): Promise<TrendData> {
  if (tags.length === 0) return { x: [], series: [], kind: 'raw', truncated: false };
  const f = Math.floor(from);
  const t = Math.ceil(to);
  if (to - from <= RAW_SPAN_MS) {
    const sql = `SELECT tag, epoch_ms(ts) AS t, value FROM samples
WHERE tag IN (${sqlList(tags)}) AND ts >= epoch_ms(${f}) AND ts < epoch_ms(${t}) AND value IS NOT NULL ORDER BY ts`;
    const r = await runQuery(sql, MAX_ROWS, signal);
    return { ...align(tags, r.rows, false), kind: 'raw', truncated: r.truncated };
  }
  const minutes = bucketFor(to - from);
  const sql = `SELECT tag, epoch_ms(time_bucket(INTERVAL ${minutes} MINUTE, bucket)) AS t,
  sum(avg * count) / sum(count) AS avg, min(min) AS lo, max(max) AS hi
FROM rollups_1m WHERE tag IN (${sqlList(tags)}) AND bucket >= epoch_ms(${f}) AND bucket < epoch_ms(${t}) AND count > 0
GROUP BY ALL ORDER BY t`;
  const r = await runQuery(sql, MAX_ROWS, signal);
  return { ...align(tags, r.rows, true), kind: 'rollup', bucketMinutes: minutes, truncated: r.truncated };
}

/** Rows of (tag, t, value[, lo, hi]) to one shared x axis with nulls where a tag has no point. */
export function align(tags: readonly string[], rows: readonly unknown[][], bands: boolean): Pick<TrendData, 'x' | 'series'> {
  const times = [...new Set(rows.map((r) => Number(r[1])))].sort((a, b) => a - b);
  const at = new Map(times.map((ms, i) => [ms, i]));
  const series: TrendSeriesData[] = tags.map((tag) => ({
    tag,
    avg: new Array<number | null>(times.length).fill(null),
    ...(bands ? { min: new Array<number | null>(times.length).fill(null), max: new Array<number | null>(times.length).fill(null) } : {}),
  }));
  const index = new Map(tags.map((tag, i) => [tag, i]));
  for (const r of rows) {
    const s = series[index.get(String(r[0])) ?? -1];
    const i = at.get(Number(r[1]));
    if (!s || i === undefined) continue;
    s.avg[i] = r[2] === null ? null : Number(r[2]);
    if (bands) {
      s.min![i] = r[3] === null ? null : Number(r[3]);
      s.max![i] = r[4] === null ? null : Number(r[4]);
    }
  }
  return { x: times.map((ms) => ms / 1000), series };
}
