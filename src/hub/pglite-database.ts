import { mkdirSync } from 'node:fs';
import type { HubDatabase, HubSql } from './hub-database.js';

/** The embedded hub database: PostgreSQL compiled to WASM, in a folder, for one hub process. */
export async function pgliteDatabase(dir: string): Promise<HubDatabase> {
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dir);
  // PGlite runs one statement at a time; transactions queue behind each other, which is what keeps them apart.
  const wrap = (q: { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>; exec: (sql: string) => Promise<unknown> }): HubSql => ({
    query: async <R,>(sql: string, params?: unknown[]) => ({ rows: (await q.query(sql, params)).rows as R[] }),
    exec: async (sql: string) => void (await q.exec(sql)),
  });
  return {
    description: `pglite:${dir}`,
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  } as HubDatabase;
}
