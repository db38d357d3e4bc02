import { mapOutsideStrings } from '../edgelake/edgelake-command.js';

/** What a statement means to the endpoint before DuckDB sees it. */
export type Intercept =
  | { kind: 'query'; sql: string }
  | { kind: 'empty' }
  | { kind: 'set'; name: string; value: string }
  | { kind: 'show'; name: string }
  | { kind: 'tx'; tag: 'BEGIN' | 'COMMIT' | 'ROLLBACK' }
  | { kind: 'ack'; tag: string }
  | { kind: 'refuse'; message: string };

/** Session settings a client may SET; they are remembered and shown, and never reach DuckDB. */
const SETTABLE = new Set([
  'application_name', 'client_encoding', 'datestyle', 'extra_float_digits', 'intervalstyle', 'search_path', 'statement_timeout', 'timezone',
  'client_min_messages', 'standard_conforming_strings', 'bytea_output', 'lock_timeout', 'idle_in_transaction_session_timeout', 'jit', 'geqo',
  'session characteristics', 'transaction', 'default_transaction_read_only', 'fabrik.scope', 'row_security', 'synchronous_commit', 'work_mem',
]);

/**
 * Sorts one statement from a PostgreSQL client: session commands (SET, SHOW,
 * BEGIN/COMMIT, DISCARD...) are answered by the endpoint itself, anything
 * else becomes DuckDB SQL after the common PostgreSQL-isms are translated.
 * Writes never get here as writes: DuckDB's guard refuses them.
 */
export function interceptStatement(statement: string, version: string): Intercept {
  const sql = statement.trim().replace(/;\s*$/, '');
  if (sql === '' || /^(--[^\n]*\n?\s*)*$/.test(sql)) return { kind: 'empty' };
  const set = /^set\s+(?:(?:session|local)\s+)?([a-z_.]+(?:\s+characteristics)?)\s*(?:=|\bto\b)?\s*(.*)$/is.exec(sql);
  if (set) {
    const name = set[1]!.toLowerCase();
    if (/^time\s+zone$/i.test(`${name} ${set[2]!.split(/\s+/)[0]}`) || name === 'time') return { kind: 'set', name: 'timezone', value: set[2]!.replace(/^zone\s+/i, '').replace(/^'|'$/g, '') };
    if (!SETTABLE.has(name)) return { kind: 'refuse', message: `SET ${name} is not allowed: the endpoint is read-only and its settings are locked` };
    return { kind: 'set', name, value: set[2]!.trim().replace(/^'(.*)'$/s, '$1') };
  }
  const show = /^show\s+([a-z_. ]+)$/i.exec(sql);
  if (show) return { kind: 'show', name: show[1]!.trim().toLowerCase() };
  if (/^(begin|start\s+transaction)\b/i.test(sql)) return /read\s+write/i.test(sql) ? { kind: 'refuse', message: 'read-write transactions are not available: the endpoint is read-only' } : { kind: 'tx', tag: 'BEGIN' };
  if (/^(commit|end)\b/i.test(sql)) return { kind: 'tx', tag: 'COMMIT' };
  if (/^(rollback|abort)\b/i.test(sql)) return { kind: 'tx', tag: 'ROLLBACK' };
  if (/^discard\s+all$/i.test(sql)) return { kind: 'ack', tag: 'DISCARD ALL' };
  if (/^deallocate\b/i.test(sql)) return { kind: 'ack', tag: 'DEALLOCATE' };
  if (/^(close|unlisten)\b/i.test(sql)) return { kind: 'ack', tag: sql.split(/\s+/)[0]!.toUpperCase() };
  return { kind: 'query', sql: translatePostgres(sql, version) };
}

/** PostgreSQL spellings DuckDB does not share, rewritten outside string literals. */
export function translatePostgres(sql: string, version: string): string {
  if (/^select\s+(pg_catalog\.)?version\s*\(\s*\)$/i.test(sql.trim())) return `SELECT 'PostgreSQL 15.0 (Fabrik ${version}, DuckDB)' AS version`;
  return mapOutsideStrings(sql, (part) =>
    part
      .replace(/\b(pg_catalog\.)?version\s*\(\s*\)/gi, `'PostgreSQL 15.0 (Fabrik ${version}, DuckDB)'`)
      .replace(/\bOPERATOR\s*\(\s*pg_catalog\.([~!=<>*]+)\s*\)/gi, '$1')
      .replace(/\s+COLLATE\s+pg_catalog\."?default"?/gi, '')
      .replace(/::\s*(pg_catalog\.)?(regclass|regtype|regproc|oid|name)\b/gi, '')
      .replace(/\bpg_catalog\.pg_get_userbyid\s*\([^)]*\)/gi, "'fabrik'")
      .replace(/\bcurrent_setting\s*\(\s*'server_version_num'\s*\)/gi, "'150000'")
      .replace(/\bcurrent_setting\s*\(\s*'server_version'\s*\)/gi, "'15.0'"),
  );
}

/** Splits a simple-query string into statements at top-level semicolons (quotes, comments and $$ respected). */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      i = end < 0 ? text.length : end + 1;
    } else if (ch === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0];
      if (tag) {
        const end = text.indexOf(tag, i + tag.length);
        i = end < 0 ? text.length : end + tag.length;
      } else i++;
    } else if (ch === ';') {
      out.push(text.slice(start, i));
      start = ++i;
    } else i++;
  }
  if (text.slice(start).trim() !== '') out.push(text.slice(start));
  return out.filter((s) => s.trim() !== '');
}

/** Substitutes $1, $2 ... outside literals with the bound values' SQL literals. */
export function bindParameters(sql: string, literals: readonly string[]): string {
  if (literals.length === 0) return sql;
  return mapOutsideStrings(sql, (part) => part.replace(/\$(\d+)\b/g, (all, n: string) => literals[Number(n) - 1] ?? all));
}

/** How many $n placeholders the statement uses. */
export function countParameters(sql: string): number {
  let max = 0;
  mapOutsideStrings(sql, (part) => {
    for (const m of part.matchAll(/\$(\d+)\b/g)) max = Math.max(max, Number(m[1]));
    return part;
  });
  return max;
}
