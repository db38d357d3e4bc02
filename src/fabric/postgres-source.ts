import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { FabricError, errorMessage } from './errors.js';
import type { PostgresSourceConfig } from './fabric-config.js';
import { planPushdown, type SourceColumn } from './pg-pushdown.js';
import type { AstNode } from './sql-ast.js';
import { loadTempTable } from './temp-table.js';

const DUCK_TYPES: Record<string, string> = {
  smallint: 'SMALLINT', integer: 'INTEGER', bigint: 'BIGINT', real: 'FLOAT', 'double precision': 'DOUBLE', numeric: 'DOUBLE',
  boolean: 'BOOLEAN', text: 'VARCHAR', 'character varying': 'VARCHAR', character: 'VARCHAR', name: 'VARCHAR', citext: 'VARCHAR',
  date: 'DATE', 'timestamp without time zone': 'TIMESTAMP', 'timestamp with time zone': 'TIMESTAMPTZ', json: 'JSON', jsonb: 'JSON', uuid: 'UUID',
};

/** What one read of the source moved (for the answer's notes and the bench). */
export interface SourcePull {
  sql: string;
  rows: number;
  ms: number;
  pushedFilters: number;
  columns: number;
}

/**
 * A PostgreSQL table or view queryable by name. Each query that names it
 * reads only the columns it touches and the rows its WHERE keeps (see
 * `planPushdown`), through `pg` with bound parameters, into a temporary
 * table of the query's own connection; nothing is copied into the store.
 */
export class PostgresSource {
  readonly name: string;
  readonly kind = 'postgres';
  readonly #config: PostgresSourceConfig;
  readonly #dataDir: string;
  #pool: pg.Pool | undefined;
  #columns: { at: number; list: SourceColumn[] } | undefined;
  lastPull: SourcePull | undefined;

  constructor(config: PostgresSourceConfig, dataDir: string) {
    this.name = config.name;
    this.#config = config;
    this.#dataDir = dataDir;
  }

  /** Loads the rows a query needs as a temporary table named after the source. */
  async register(conn: DuckDBConnection, statement: AstNode | null, opts: { pushdown?: boolean } = {}): Promise<SourcePull> {
    const columns = await this.columns();
    const plan = opts.pushdown === false ? { columns, where: [], params: [] } : planPushdown(statement, this.name, columns);
    const { schema, table, maxRows } = this.#config;
    const select = plan.columns.map((c) => (DUCK_TYPES[c.pgType] ? ident(c.name) : `${ident(c.name)}::text AS ${ident(c.name)}`));
    const sql = `SELECT ${select.join(', ')} FROM ${ident(schema)}.${ident(table)}${plan.where.length > 0 ? ` WHERE ${plan.where.join(' AND ')}` : ''} LIMIT ${maxRows + 1}`;
    const started = performance.now();
    const result = await this.#run(sql, plan.params);
    if (result.rows.length > maxRows) {
      throw new FabricError('FABRIC_SOURCE_TOO_LARGE', `virtual source "${this.name}" still returns more than ${maxRows} rows after push-down; filter it more narrowly (WHERE on its columns) or raise maxRows in fabric.sources`);
    }
    const json = plan.columns.map((c) => c.duckType === 'JSON');
    const bool = plan.columns.map((c) => c.duckType === 'BOOLEAN');
    const rows = (result.rows as unknown[][]).map((r) => r.map((v, i) => (v === null ? null : json[i] ? JSON.parse(String(v)) as unknown : bool[i] ? v === 't' : v)));
    await loadTempTable(conn, this.name, plan.columns.map((c) => ({ name: c.name, type: c.duckType })), rows);
    this.lastPull = { sql, rows: rows.length, ms: performance.now() - started, pushedFilters: plan.where.length, columns: plan.columns.length };
    return this.lastPull;
  }

  /** The table's columns (cached for a minute). */
  async columns(): Promise<SourceColumn[]> {
    if (this.#columns && Date.now() - this.#columns.at < 60_000) return this.#columns.list;
    const r = await this.#run(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [this.#config.schema, this.#config.table],
    );
    if (r.rows.length === 0) {
      throw new FabricError('FABRIC_SOURCE_UNAVAILABLE', `virtual source "${this.name}": table ${this.#config.schema}.${this.#config.table} not found in ${this.#where()}`);
    }
    const list = (r.rows as string[][]).map(([name, type]) => ({ name: name!, pgType: type!, duckType: DUCK_TYPES[type!] ?? 'VARCHAR' }));
    this.#columns = { at: Date.now(), list };
    return list;
  }

  describe(): { name: string; kind: string; table: string; server: string; description: string } {
    return { name: this.name, kind: this.kind, table: `${this.#config.schema}.${this.#config.table}`, server: this.#where(), description: this.#config.description };
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end().catch(() => undefined);
  }

  async #run(sql: string, params: unknown[]): Promise<{ rows: unknown[] }> {
    this.#pool ??= this.#createPool();
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (cause) {
      throw new FabricError('FABRIC_SOURCE_UNAVAILABLE', `virtual source "${this.name}" (PostgreSQL at ${this.#where()}) is not reachable: ${errorMessage(cause)}; the rest of the node keeps serving`, { cause });
    }
    try {
      // Every value arrives as text and DuckDB casts it to the column type: no client-side time zone or float parsing.
      return await client.query({ text: sql, values: params, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } });
    } catch (cause) {
      throw new FabricError('FABRIC_SOURCE_UNAVAILABLE', `virtual source "${this.name}": PostgreSQL refused the read: ${errorMessage(cause)}`, { cause });
    } finally {
      client.release();
    }
  }

  #createPool(): pg.Pool {
    const c = this.#config;
    const password = c.passwordFile ? fs.readFileSync(path.resolve(this.#dataDir, c.passwordFile), 'utf8').trim() : undefined;
    const pool = new pg.Pool({
      ...(c.url ? { connectionString: c.url } : { host: c.host, port: c.port, database: c.database, user: c.user }),
      ...(password !== undefined ? { password } : {}),
      max: 4, connectionTimeoutMillis: c.connectTimeout, idleTimeoutMillis: 30_000, options: '-c TimeZone=UTC -c default_transaction_read_only=on',
    });
    pool.on('error', () => undefined);
    return pool;
  }

  #where(): string {
    const c = this.#config;
    if (c.url) return c.url.replace(/\/\/[^@/]*@/, '//');
    return `${c.host}:${c.port}/${c.database}`;
  }
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
