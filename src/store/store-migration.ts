import type { DuckDBConnection } from '@duckdb/node-api';
import { mergedRollupsSql } from './schema.js';

/** Layout version this code writes; stored as `store_meta.schema_version`. */
export const SCHEMA_VERSION = 2;

/**
 * Brings an existing store file up to `SCHEMA_VERSION` at open, in one
 * transaction. Version 2: `rollup_cold` holds one merged row per (k, bucket)
 * (earlier files could hold several partials per minute there).
 */
export async function migrateStore(conn: DuckDBConnection): Promise<void> {
  const r = await conn.runAndReadAll(`SELECT num FROM store_meta WHERE name = 'schema_version'`);
  const version = Number(r.getRows()[0]?.[0] ?? 1);
  if (version >= SCHEMA_VERSION) return;
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE rollup_dupes AS ${mergedRollupsSql('SELECT * FROM rollup_cold', 'HAVING count(*) > 1')}`);
    await conn.run('DELETE FROM rollup_cold c USING rollup_dupes d WHERE c.k = d.k AND c.bucket = d.bucket');
    await conn.run('INSERT INTO rollup_cold SELECT * FROM rollup_dupes ORDER BY k, bucket');
    await conn.run('DROP TABLE rollup_dupes');
    await conn.run(`INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ${SCHEMA_VERSION})`);
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
