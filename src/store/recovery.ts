import type { DuckDBConnection } from '@duckdb/node-api';
import type { LatestValues } from './latest-values.js';
import { MINUTE, type RollupPartial } from './rollup-accumulator.js';
import { RAW_NUMERIC, rawUnionSql } from './schema.js';

/**
 * Rollup minutes not yet persisted at the last commit (those ending after the
 * stored watermark), recomputed from the raw rows that did commit.
 */
export async function openRollupsFromRaw(conn: DuckDBConnection, closeBefore: number): Promise<RollupPartial[]> {
  const since = Number.isFinite(closeBefore) ? `WHERE ts >= epoch_ms(${Math.floor(closeBefore - MINUTE)}::BIGINT)` : '';
  const r = await conn.runAndReadAll(`SELECT k, floor(epoch_ms(ts) / ${MINUTE})::BIGINT AS minute, count(v) AS n, min(v), max(v), sum(v),
      arg_min(v, ts) FILTER (v IS NOT NULL), min(epoch_us(ts)) FILTER (v IS NOT NULL), arg_max(v, ts) FILTER (v IS NOT NULL),
      max(epoch_us(ts)) FILTER (v IS NOT NULL), count(v) FILTER (q >= 192)
    FROM (${RAW_NUMERIC}) ${since}
    GROUP BY ALL HAVING count(v) > 0`);
  const out: RollupPartial[] = [];
  for (const row of r.getRows()) {
    const minute = Number(row[1]);
    if ((minute + 1) * MINUTE <= closeBefore) continue;
    out.push({
      k: Number(row[0]), minute, n: Number(row[2]), min: Number(row[3]), max: Number(row[4]), sum: Number(row[5]),
      first: Number(row[6]), firstTs: Number(row[7]) / 1000, last: Number(row[8]), lastTs: Number(row[9]) / 1000, good: Number(row[10]),
    });
  }
  return out;
}

/** Newest live sample per tag key (archived data is older by definition). */
export async function loadLatest(conn: DuckDBConnection, latest: LatestValues): Promise<void> {
  const r = await conn.runAndReadAll(`SELECT k, epoch_us(max(ts)), arg_max(v, ts), arg_max(txt, ts), arg_max(q, ts)
    FROM (${rawUnionSql([])}) GROUP BY k`);
  for (const [k, ts, v, txt, q] of r.getRows()) {
    latest.set(Number(k), Number(ts) / 1000, v === null ? Number.NaN : Number(v), Number(q), txt === null ? null : String(txt));
  }
}

/** The persisted rollup watermark, or -Infinity on a new store. */
export async function readCloseBefore(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT num FROM store_meta WHERE name = 'close_before'`);
  const v = r.getRows()[0]?.[0];
  return v === undefined || v === null ? Number.NEGATIVE_INFINITY : Number(v);
}
