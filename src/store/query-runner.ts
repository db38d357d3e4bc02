import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { columnReader } from './column-reader.js';
import { QueryError, errorMessage } from './errors.js';
import { prepareReadOnly } from './sql-guard.js';

/** A user query's answer; every value is JSON-safe. */
export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
  elapsedMs: number;
}

export interface QueryOptions {
  /** Stop reading after this many rows and set `truncated`. Default 100,000. */
  maxRows?: number;
  /** Interrupt the query after this long. Default 30 s. */
  timeoutMs?: number;
  /**
   * Runs on the query's own connection before the SQL is checked and
   * prepared, e.g. to register temporary views of virtual sources that the
   * query may read; whatever it creates vanishes with the connection.
   */
  prelude?: (conn: DuckDBConnection) => Promise<void>;
}

/**
 * Runs one read-only user query on a fresh connection of its own (never the
 * writer's), streaming chunks until the row cap and interrupting it at the
 * timeout.
 */
export async function runUserQuery(instance: DuckDBInstance, sql: string, opts: QueryOptions = {}): Promise<QueryResult> {
  const maxRows = opts.maxRows ?? 100_000;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const started = performance.now();
  const conn = await instance.connect();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.interrupt();
  }, timeoutMs);
  try {
    // The prelude's own errors (a virtual source that is down...) reach the caller unchanged.
    if (opts.prelude) await opts.prelude(conn).catch((err: unknown) => Promise.reject(new PreludeFailure(err)));
    const prepared = await prepareReadOnly(conn, sql);
    try {
      const result = await prepared.stream();
      const types = result.columnTypes();
      const columns = result.columnNames().map((name, i) => ({ name, type: String(types[i]) }));
      const readers = types.map(columnReader);
      const rows: unknown[][] = [];
      let truncated = false;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const take = Math.min(chunk.rowCount, maxRows - rows.length);
        truncated = take < chunk.rowCount;
        const cols = readers.map((read, c) => read(chunk, c, take));
        for (let r = 0; r < take; r++) {
          const row = new Array<unknown>(cols.length);
          for (let c = 0; c < cols.length; c++) row[c] = cols[c]![r];
          rows.push(row);
        }
        if (truncated) break;
      }
      return { columns, rows, truncated, elapsedMs: performance.now() - started };
    } finally {
      prepared.destroySync();
    }
  } catch (cause) {
    if (timedOut) throw new QueryError('QUERY_TIMEOUT', `query interrupted after ${timeoutMs} ms; narrow the time range or use rollups_1m`, { cause });
    if (cause instanceof PreludeFailure) throw cause.cause;
    if (cause instanceof QueryError) throw cause;
    throw new QueryError('QUERY_FAILED', errorMessage(cause), { cause });
  } finally {
    clearTimeout(timer);
    conn.closeSync();
  }
}

class PreludeFailure extends Error {
  constructor(cause: unknown) {
    super('query prelude failed', { cause });
  }
}
