import type { DuckDBConnection } from '@duckdb/node-api';

/** A column of a table loaded into a query's connection. */
export interface LoadedColumn {
  name: string;
  /** DuckDB type, e.g. DOUBLE, TIMESTAMP, VARCHAR. */
  type: string;
}

/**
 * Creates a temporary table on `conn` (it disappears with the connection)
 * and fills it from rows of JSON-able values in one statement: DuckDB parses
 * the JSON and casts each field to its column type.
 */
export async function loadTempTable(conn: DuckDBConnection, name: string, columns: readonly LoadedColumn[], rows: readonly (readonly unknown[])[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(name)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`);
  if (rows.length === 0) return;
  const structure = JSON.stringify([Object.fromEntries(columns.map((c, i) => [`c${i}`, c.type]))]);
  const objects = rows.map((row) => Object.fromEntries(columns.map((_, i) => [`c${i}`, row[i] ?? null])));
  await conn.run(`INSERT INTO ${quoteIdent(name)} SELECT unnest(from_json($1::JSON, ${sqlString(structure)}), recursive := true)`, [JSON.stringify(objects)]);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
