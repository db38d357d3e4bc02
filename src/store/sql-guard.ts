import { StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { QueryError, errorMessage } from './errors.js';

/** Longest SQL text accepted. */
export const MAX_SQL_CHARS = 100_000;

const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
const FIRST_WORDS = new Set(['select', 'with', 'explain', 'from', 'values', 'table', 'describe', 'show', 'summarize', '(']);

/**
 * Prepares `sql` on `conn` only if DuckDB's own parser says it is exactly one
 * read-only statement (SELECT, or EXPLAIN of a SELECT). A leading-keyword check
 * runs first as a second fence, and EXPLAIN ANALYZE (which executes its
 * statement) must wrap a statement that itself prepares as a SELECT.
 * File and network access is not decided here: the database is locked to the
 * allowed directories, so read_csv('/etc/passwd') fails at bind time.
 */
export async function prepareReadOnly(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  if (sql.length > MAX_SQL_CHARS) throw new QueryError('QUERY_TOO_LARGE', `SQL text is ${sql.length} characters; the limit is ${MAX_SQL_CHARS}`);
  const body = sql.replace(LEADING_NOISE, '');
  const first = /^(\(|[a-z]+)/i.exec(body)?.[1]?.toLowerCase();
  if (!first) throw new QueryError('QUERY_INVALID', 'empty query: send one SELECT statement');
  // Parsing never executes anything, so DuckDB's parser may name the syntax
  // error of a statement we would refuse anyway ("selec 1" is a typo, not a write).
  const extracted = await wrap(() => conn.extractStatements(sql));
  if (!FIRST_WORDS.has(first)) throw notReadOnly(first.toUpperCase());
  if (extracted.count === 0) throw new QueryError('QUERY_INVALID', 'empty query: send one SELECT statement');
  if (extracted.count > 1) throw new QueryError('QUERY_NOT_READ_ONLY', `${extracted.count} statements sent; send exactly one read-only statement`);
  const prepared = await wrap(() => extracted.prepare(0));
  const type = prepared.statementType;
  if (type === StatementType.SELECT) return prepared;
  if (type === StatementType.EXPLAIN) {
    const inner = /^explain\s+analy[sz]e\s+([\s\S]*)$/i.exec(body)?.[1];
    if (inner === undefined && /^explain\s+analy[sz]e/i.test(body)) {
      prepared.destroySync();
      throw notReadOnly('EXPLAIN ANALYZE');
    }
    if (inner !== undefined) {
      const check = await prepareReadOnly(conn, inner).catch((err: unknown) => {
        prepared.destroySync();
        throw err;
      });
      check.destroySync();
    }
    return prepared;
  }
  prepared.destroySync();
  throw notReadOnly(StatementType[type] ?? String(type));
}

function notReadOnly(what: string): QueryError {
  return new QueryError('QUERY_NOT_READ_ONLY', `${what} statements are not allowed: the SQL endpoint is read-only (SELECT, WITH … SELECT, EXPLAIN)`);
}

async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    const msg = errorMessage(cause);
    const code = /^Permission Error/.test(msg) ? 'QUERY_NOT_READ_ONLY' : 'QUERY_INVALID';
    throw new QueryError(code, msg, { cause });
  }
}

