import { DuckDBInstance, JSDuckDBValueConverter } from '@duckdb/node-api';
import { parseJsonColumn, toJsonValue, type QueryResult } from '../store/index.js';
import { FabricError, errorMessage } from './errors.js';
import type { OutputColumn } from './site-plan.js';

/** Column types a partial answer may carry: they survive JSON and load back exactly. */
const CARRIED = /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|VARCHAR|DATE|TIME|TIMESTAMP|TIMESTAMP_MS|TIMESTAMP_S|TIMESTAMP WITH TIME ZONE|UUID|JSON)(\[\])?$/;

/** Whether a partial column type can travel between nodes without loss. */
export function carriedType(type: string): boolean {
  return CARRIED.test(type);
}

/**
 * The coordinator's merge step: loads the nodes' partial answers into a
 * private in-memory DuckDB (no file or network access) and runs the plan's
 * merge SQL over them, so recombination has DuckDB's exact semantics.
 */
export class MergeEngine {
  readonly #instance: DuckDBInstance;

  private constructor(instance: DuckDBInstance) {
    this.#instance = instance;
  }

  static async create(memoryLimit = '256MB'): Promise<MergeEngine> {
    const instance = await DuckDBInstance.create(':memory:', {
      enable_external_access: 'false', autoload_known_extensions: 'false', autoinstall_known_extensions: 'false', memory_limit: memoryLimit, threads: '2',
    });
    return new MergeEngine(instance);
  }

  /** Runs `sql` over `partials` (the concatenated row sets, with `columns`). */
  async run(columns: readonly OutputColumn[], rowsets: readonly { node: string; rows: readonly unknown[][] }[], sql: string, opts: { maxRows: number }): Promise<QueryResult> {
    const started = performance.now();
    for (const c of columns) {
      if (!carriedType(c.type)) throw new FabricError('FABRIC_NOT_DECOMPOSABLE', `column "${c.name}" has type ${c.type}, which a site query cannot carry between nodes; cast it (e.g. to VARCHAR or DOUBLE) or query with scope "local"`);
    }
    const conn = await this.#instance.connect();
    try {
      const structure = JSON.stringify([Object.fromEntries(columns.map((c) => [c.name, c.type]))]);
      const defs = columns.map((c) => `${quote(c.name)} ${c.type}`).join(', ');
      await conn.run(`CREATE TEMP TABLE partials (${defs})`);
      for (const set of rowsets) {
        if (set.rows.length === 0) continue;
        const objects = set.rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i] ?? null])));
        try {
          await conn.run(`INSERT INTO partials SELECT unnest(from_json($1::JSON, ${literal(structure)}), recursive := true)`, [JSON.stringify(objects)]);
        } catch (cause) {
          throw Object.assign(new FabricError('FABRIC_PEER_MALFORMED', `the answer of node ${set.node} does not fit its declared column types: ${errorMessage(cause)}`, { cause }), { node: set.node });
        }
      }
      const result = await conn.stream(sql);
      const types = result.columnTypes();
      const out: QueryResult = { columns: result.columnNames().map((name, i) => ({ name, type: String(types[i]) })), rows: [], truncated: false, elapsedMs: 0 };
      const json = types.map((t) => t.alias === 'JSON');
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const row of chunk.convertRows(JSDuckDBValueConverter)) {
          if (out.rows.length >= opts.maxRows) {
            out.truncated = true;
            break;
          }
          out.rows.push(row.map((v, i) => (json[i] ? parseJsonColumn(v) : toJsonValue(v))));
        }
        if (out.truncated) break;
      }
      out.elapsedMs = performance.now() - started;
      return out;
    } catch (cause) {
      if (cause instanceof FabricError) throw cause;
      throw new FabricError('FABRIC_PEER_MALFORMED', `merging the nodes' answers failed: ${errorMessage(cause)}`, { cause });
    } finally {
      conn.closeSync();
    }
  }

  close(): void {
    this.#instance.closeSync();
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
