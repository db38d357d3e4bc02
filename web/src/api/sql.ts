import { postJson, request } from './http.js';
import type { QueryAnswer } from './types.js';

/** A SQL string literal. */
export function sqlText(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export function sqlList(values: readonly string[]): string {
  return values.map(sqlText).join(', ');
}

/** What POST /api/v1/query answers: column names and types side by side. */
interface WireQueryAnswer {
  columns: string[];
  types: string[];
  rows: unknown[][];
  truncated: boolean;
  elapsedMs: number;
  scope?: 'site';
  partial?: boolean;
  missing?: { node: string; reason?: string }[];
  nodes?: { node: string; state: 'answered' | 'missing' | 'skipped'; rows?: number }[];
}

/** Runs read-only SQL on the node (POST /api/v1/query). */
export async function runQuery(sql: string, maxRows?: number, signal?: AbortSignal, scope?: 'site'): Promise<QueryAnswer> {
  const r = await postJson<WireQueryAnswer>('/api/v1/query', { sql, ...(maxRows ? { maxRows } : {}), ...(scope ? { scope } : {}) }, signal ? { signal } : {});
  const answer: QueryAnswer = { columns: r.columns.map((name, i) => ({ name, type: r.types[i] ?? '' })), rows: r.rows, truncated: r.truncated, elapsedMs: r.elapsedMs };
  if (r.scope === 'site') Object.assign(answer, { scope: r.scope, partial: r.partial ?? false, missing: r.missing ?? [], nodes: r.nodes ?? [] });
  return answer;
}

/** The same query as CSV text, exactly as the node writes it. */
export async function runQueryCsv(sql: string, maxRows?: number, scope?: 'site'): Promise<Blob> {
  const res = await request('/api/v1/query', { body: { sql, format: 'csv', ...(maxRows ? { maxRows } : {}), ...(scope ? { scope } : {}) } });
  return res.blob();
}
