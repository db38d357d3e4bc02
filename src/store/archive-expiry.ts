import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RetentionConfig } from '../config/index.js';
import { doneFiles } from './retention.js';
import { samplesViewSql, sqlString } from './schema.js';

/**
 * Deletes Parquet archive files whose whole time range is older than their
 * class's `archive` age (classes without one keep archives forever). Their
 * `archive_files` rows go and the `samples` view is rebuilt in one
 * transaction first, so no query ever sees a missing file; the files are
 * removed after the commit (a crash in between leaves an unreferenced file).
 * Runs on the writer connection between commits.
 */
export async function expireArchives(conn: DuckDBConnection, retention: RetentionConfig, now: number): Promise<string[]> {
  const expired: string[] = [];
  for (const [cls, { archive }] of Object.entries(retention.classes)) {
    if (archive === undefined) continue;
    const r = await conn.runAndReadAll(`SELECT path FROM archive_files
      WHERE state = 'done' AND cls = ${sqlString(cls)} AND to_ts <= epoch_ms(${Math.floor(now - archive)}::BIGINT) ORDER BY path`);
    expired.push(...r.getRows().map(([p]) => String(p)));
  }
  if (expired.length === 0) return [];
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`DELETE FROM archive_files WHERE path IN (${expired.map(sqlString).join(', ')})`);
    await conn.run(samplesViewSql(await doneFiles(conn)));
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
  for (const f of expired) fs.rmSync(f, { force: true });
  return expired;
}
