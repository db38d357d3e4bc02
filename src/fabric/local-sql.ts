import type { DuckDBConnection } from '@duckdb/node-api';
import type { QueryResult } from '../store/index.js';
import { FileSource } from './file-source.js';
import type { VirtualSourceConfig } from './fabric-config.js';
import { PostgresSource } from './postgres-source.js';
import { walk, type AstNode, type SqlAst } from './sql-ast.js';
import { loadTempTable } from './temp-table.js';

/** What the fabric needs from the node's store. */
export interface FabricStore {
  query(sql: string, opts: { maxRows: number; timeoutMs: number; prelude?: (conn: DuckDBConnection) => Promise<void> }): Promise<QueryResult>;
}

/** One row of the live last-value table. */
export interface LatestRow {
  tag: string;
  assetPath: string;
  unit: string;
  ts: number;
  value: number | null;
  valueText: string | null;
  qualityCode: number;
}

export interface LocalQueryOptions {
  maxRows: number;
  timeoutMs: number;
  /** Read PostgreSQL sources whole instead of pushing filters down (bench comparison). */
  pushdown?: boolean;
}

const LATEST_COLUMNS = [
  { name: 'tag', type: 'VARCHAR' }, { name: 'asset_path', type: 'VARCHAR' }, { name: 'unit', type: 'VARCHAR' }, { name: 'ts', type: 'TIMESTAMP' },
  { name: 'value', type: 'DOUBLE' }, { name: 'value_text', type: 'VARCHAR' }, { name: 'quality', type: 'VARCHAR' }, { name: 'quality_code', type: 'UTINYINT' },
];

export type VirtualSource = FileSource | PostgresSource;

/**
 * This node's SQL: the store's views plus the virtual tables a query names —
 * `latest` (every tag's last value, from memory) and the configured sources —
 * registered on the query's own connection just before it runs.
 */
export class LocalSql {
  readonly sources: ReadonlyMap<string, VirtualSource>;
  readonly #store: FabricStore;
  readonly #ast: SqlAst;
  readonly #latest: () => LatestRow[];

  constructor(opts: { store: FabricStore; ast: SqlAst; latest: () => LatestRow[]; sources: readonly VirtualSourceConfig[]; dataDir: string }) {
    this.#store = opts.store;
    this.#ast = opts.ast;
    this.#latest = opts.latest;
    this.sources = new Map(opts.sources.map((s) => [s.name, s.kind === 'files' ? new FileSource(s, opts.dataDir) : new PostgresSource(s, opts.dataDir)]));
  }

  async query(sql: string, opts: LocalQueryOptions): Promise<QueryResult> {
    // Most queries name no virtual table: skip parsing them (a round trip of the PostgreSQL endpoint counts every millisecond).
    const lower = sql.toLowerCase();
    if (!lower.includes('latest') && ![...this.sources.keys()].some((n) => lower.includes(n))) {
      return this.#store.query(sql, { maxRows: opts.maxRows, timeoutMs: opts.timeoutMs });
    }
    const { names, statement } = await this.#tablesNamed(sql);
    const wanted = [...names].filter((n) => n === 'latest' || this.sources.has(n));
    if (wanted.length === 0) return this.#store.query(sql, { maxRows: opts.maxRows, timeoutMs: opts.timeoutMs });
    const prelude = async (conn: DuckDBConnection): Promise<void> => {
      for (const name of wanted) {
        if (name === 'latest') await loadTempTable(conn, 'latest', LATEST_COLUMNS, this.#latest().map(latestRow));
        else {
          const source = this.sources.get(name)!;
          if (source instanceof PostgresSource) await source.register(conn, statement, { pushdown: opts.pushdown !== false });
          else await source.register(conn);
        }
      }
    };
    return this.#store.query(sql, { maxRows: opts.maxRows, timeoutMs: opts.timeoutMs, prelude });
  }

  async close(): Promise<void> {
    for (const s of this.sources.values()) if (s instanceof PostgresSource) await s.close();
  }

  /** Unqualified table names the SQL reads; unparsable SQL names none (the store then reports the error). */
  async #tablesNamed(sql: string): Promise<{ names: Set<string>; statement: AstNode | null }> {
    const names = new Set<string>();
    try {
      const parsed = await this.#ast.parse(sql);
      for (const s of parsed.statements) {
        walk(s, (n) => {
          if (n['type'] === 'BASE_TABLE' && !n['schema_name']) names.add(String(n['table_name']).toLowerCase());
        });
      }
      return { names, statement: parsed.statements.length === 1 ? parsed.statements[0]! : null };
    } catch {
      return { names, statement: null };
    }
  }
}

function latestRow(r: LatestRow): unknown[] {
  const quality = r.qualityCode >= 192 ? 'good' : r.qualityCode >= 64 ? 'uncertain' : 'bad';
  return [r.tag, r.assetPath, r.unit, new Date(r.ts).toISOString(), r.value !== null && Number.isFinite(r.value) ? r.value : null, r.valueText, quality, r.qualityCode];
}
