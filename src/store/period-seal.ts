import type { DuckDBConnection } from '@duckdb/node-api';

const DAY = 86_400_000;

/** A day is sealed once it ended this long ago, leaving room for late samples. */
export const SEAL_GRACE_MS = 10 * 60_000;

/** Rows moved per transaction: bounds how long commits wait and how much the sort holds. */
export const SEAL_CHUNK_ROWS = 4_000_000;

/** One transaction of sealing: the rows of one UTC day and a range of tag keys. */
export interface SealStep {
  /** Day start, epoch ms. */
  day: number;
  fromKey: number;
  toKey: number;
  rows: number;
}

/** Start of the newest day that may be sealed at `now`: every day before it is closed. */
export function sealBefore(now: number): number {
  return Math.floor((now - SEAL_GRACE_MS) / DAY) * DAY;
}

/**
 * Plans moving the closed days of `raw_warm` (each compaction's rows, sorted
 * only within that compaction) to `raw_cold`, sorted by (k, ts) across the
 * whole day, so a 1 Hz tag's run is 86,400 rows instead of one compaction's
 * worth. Days are split into key ranges of at most `chunkRows` rows; a tag is
 * never split, so its run stays whole. Late rows for a sealed day are sealed
 * again by a later run, as a short extra run.
 */
export async function planSeal(conn: DuckDBConnection, before: number, chunkRows = SEAL_CHUNK_ROWS): Promise<SealStep[]> {
  const r = await conn.runAndReadAll(`SELECT epoch_ms(time_bucket(INTERVAL 1 day, ts)) AS d, k, count(*) AS n
    FROM raw_warm WHERE ts < epoch_ms(${Math.floor(before)}::BIGINT) GROUP BY ALL ORDER BY d, k`);
  const steps: SealStep[] = [];
  let cur: SealStep | undefined;
  for (const [d, k, n] of r.getRows()) {
    const day = Number(d);
    const key = Number(k);
    const rows = Number(n);
    if (cur && cur.day === day && cur.rows + rows <= chunkRows) {
      cur.toKey = key;
      cur.rows += rows;
      continue;
    }
    cur = { day, fromKey: key, toKey: key, rows };
    steps.push(cur);
  }
  return steps;
}

/** Moves one planned step from `raw_warm` to `raw_cold` in one transaction; returns the rows moved. */
export async function sealStep(conn: DuckDBConnection, step: SealStep): Promise<number> {
  const where = `k BETWEEN ${step.fromKey} AND ${step.toKey}
    AND ts >= epoch_ms(${step.day}::BIGINT) AND ts < epoch_ms(${step.day + DAY}::BIGINT)`;
  await conn.run('BEGIN TRANSACTION');
  try {
    const moved = await conn.run(`INSERT INTO raw_cold SELECT * FROM raw_warm WHERE ${where} ORDER BY k, ts`);
    const deleted = await conn.run(`DELETE FROM raw_warm WHERE ${where}`);
    if (deleted.rowsChanged !== moved.rowsChanged) throw new Error(`sealing copied ${moved.rowsChanged} rows but would delete ${deleted.rowsChanged}`);
    await conn.run('COMMIT');
    return moved.rowsChanged;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
