import type { DuckDBConnection } from '@duckdb/node-api';
import { ROLLUP_TOUCHED, mergedRollupsSql } from './schema.js';

/**
 * Moves everything committed in `raw_hot` into `raw_warm` sorted by (tag key,
 * time), and folds the rollup partials of `rollup_hot` into `rollup_cold` so
 * that it keeps one merged row per (k, bucket), in one transaction. Must run
 * on the writer connection between commits (GroupCommit.exclusive).
 */
export async function compact(conn: DuckDBConnection): Promise<{ rawRows: number; rollupRows: number }> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const raw = await conn.run('INSERT INTO raw_warm SELECT * FROM raw_hot ORDER BY k, ts');
    await conn.run('DELETE FROM raw_hot');
    const rollupRows = await foldRollups(conn);
    await conn.run('COMMIT');
    return { rawRows: raw.rowsChanged, rollupRows };
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Inside the caller's transaction: re-merges every (k, bucket) that has hot partials into one cold row. */
async function foldRollups(conn: DuckDBConnection): Promise<number> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE rollup_fold AS ${mergedRollupsSql(ROLLUP_TOUCHED)}`);
  try {
    await conn.run('DELETE FROM rollup_cold c USING rollup_hot h WHERE c.k = h.k AND c.bucket = h.bucket');
    const r = await conn.run('INSERT INTO rollup_cold SELECT * FROM rollup_fold ORDER BY k, bucket');
    await conn.run('DELETE FROM rollup_hot');
    return r.rowsChanged;
  } finally {
    await conn.run('DROP TABLE IF EXISTS rollup_fold');
  }
}
