import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RetentionConfig } from '../config/index.js';
import { RAW_NUMERIC_TABLES, rawUnionSql, samplesViewSql, sqlString } from './schema.js';
import type { TagKeys } from './tag-keys.js';

const DAY = 86_400_000;

/**
 * Moves raw samples older than their retention class allows into Parquet under
 * `<archiveDir>/samples/date=YYYY-MM-DD/`, one file per class and day, named by
 * its time range. Each file is first recorded as 'writing' in `archive_files`,
 * then written, then in one transaction the rows are deleted, the record turns
 * 'done' and the `samples` view is rebuilt. `recoverArchive` removes files
 * left 'writing' by a crash, so rows are never lost nor counted twice.
 * Runs on the writer connection between commits.
 */
export async function moveToArchive(conn: DuckDBConnection, archiveDir: string, retention: RetentionConfig, keys: TagKeys, now: number): Promise<{ movedRows: number; files: string[] }> {
  let movedRows = 0;
  const files: string[] = [];
  for (const [cls, { raw }] of Object.entries(retention.classes)) {
    const ks = keys.keysOfClass(cls, retention.defaultClass);
    if (ks.length === 0) continue;
    const cutoff = now - raw;
    const keyList = ks.join(', ');
    const days = await conn.runAndReadAll(`SELECT DISTINCT epoch_ms(date_trunc('day', ts)) AS d FROM (${rawUnionSql([])})
      WHERE k IN (${keyList}) AND ts < epoch_ms(${Math.floor(cutoff)}::BIGINT) ORDER BY d`);
    for (const [d] of days.getRows()) {
      const from = Number(d);
      const to = Math.min(from + DAY, Math.floor(cutoff));
      const date = new Date(from).toISOString().slice(0, 10);
      const file = await freshName(conn, path.join(archiveDir, 'samples', `date=${date}`, `part-${cls}-${from}-${to}`));
      const where = `k IN (${keyList}) AND ts >= epoch_ms(${from}::BIGINT) AND ts < epoch_ms(${to}::BIGINT)`;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await conn.run(`INSERT OR REPLACE INTO archive_files VALUES (${sqlString(file)}, ${sqlString(cls)}, epoch_ms(${from}::BIGINT), epoch_ms(${to}::BIGINT), 0, 'writing')`);
      const copied = await conn.run(`COPY (SELECT * FROM (${rawUnionSql([])}) WHERE ${where} ORDER BY k, ts) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`);
      await conn.run('BEGIN TRANSACTION');
      try {
        let deleted = 0;
        for (const t of [...RAW_NUMERIC_TABLES, 'raw_text']) deleted += (await conn.run(`DELETE FROM ${t} WHERE ${where}`)).rowsChanged;
        if (deleted !== copied.rowsChanged) throw new Error(`archived ${copied.rowsChanged} rows but would delete ${deleted}`);
        await conn.run(`UPDATE archive_files SET state = 'done', rows = ${deleted} WHERE path = ${sqlString(file)}`);
        await conn.run(samplesViewSql(await doneFiles(conn)));
        await conn.run('COMMIT');
        movedRows += deleted;
        files.push(file);
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        await dropPending(conn, file);
        throw err;
      }
    }
  }
  return { movedRows, files };
}

/** Archive files whose rows have left the live tables. */
export async function doneFiles(conn: DuckDBConnection): Promise<string[]> {
  const r = await conn.runAndReadAll(`SELECT path FROM archive_files WHERE state = 'done' ORDER BY path`);
  return r.getRows().map(([p]) => String(p)).filter((p) => fs.existsSync(p));
}

/** Removes files a crash left between write and delete; their rows are still live. */
export async function recoverArchive(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT path FROM archive_files WHERE state = 'writing'`);
  for (const [p] of r.getRows()) await dropPending(conn, String(p));
  return r.currentRowCount;
}

/** A path no earlier archive file uses, so a done file is never overwritten. */
async function freshName(conn: DuckDBConnection, base: string): Promise<string> {
  for (let n = 0; ; n++) {
    const file = `${base}${n === 0 ? '' : `-${n}`}.parquet`;
    const r = await conn.runAndReadAll(`SELECT 1 FROM archive_files WHERE path = ${sqlString(file)}`);
    if (r.currentRowCount === 0 && !fs.existsSync(file)) return file;
  }
}

async function dropPending(conn: DuckDBConnection, file: string): Promise<void> {
  fs.rmSync(file, { force: true });
  await conn.run(`DELETE FROM archive_files WHERE path = ${sqlString(file)} AND state = 'writing'`);
}
