import pg from 'pg';
import type { HubDatabase, HubSql } from './hub-database.js';

/** A hub database on a PostgreSQL server; a pool, so several requests (and several hubs) run side by side. */
export function postgresDatabase(url: string, opts: { max?: number } = {}): HubDatabase {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle client that loses its server (a restart) must not crash the hub; the next query reconnects.
  pool.on('error', () => undefined);
  const safe = new URL(url);
  safe.password = '';
  return {
    description: `postgres://${safe.host}${safe.pathname}`,
    query: async (sql, params) => ({ rows: (await pool.query(sql, params)).rows }),
    exec: async (sql) => void (await pool.query(sql)),
    async transaction(fn) {
      const client = await pool.connect();
      // A client checked out of the pool has no error listener of the pool's: a server restart between two
      // statements of this transaction would otherwise be an unhandled 'error' that stops the hub.
      let lost: Error | undefined;
      const onLost = (err: Error): void => {
        lost = err;
      };
      client.on('error', onLost);
      const tx: HubSql = { query: async (sql, params) => ({ rows: (await client.query(sql, params)).rows }), exec: async (sql) => void (await client.query(sql)) };
      try {
        await client.query('BEGIN');
        const out = await fn(tx);
        await client.query('COMMIT');
        client.off('error', onLost);
        client.release();
        return out;
      } catch (err) {
        if (!lost) await client.query('ROLLBACK').catch(() => undefined);
        client.off('error', onLost);
        client.release(true);
        throw err;
      }
    },
    close: () => pool.end(),
  };
}
