import { isNode, walk, type AstNode } from './sql-ast.js';

/** A column of a PostgreSQL table as the fabric reads it. */
export interface SourceColumn {
  name: string;
  /** information_schema data_type. */
  pgType: string;
  /** The DuckDB type it loads as. */
  duckType: string;
}

/** What to ask PostgreSQL for: the columns the query touches and the filters it can apply itself. */
export interface Pushdown {
  columns: SourceColumn[];
  where: string[];
  params: unknown[];
}

const COMPARE: Record<string, string> = {
  COMPARE_EQUAL: '=', COMPARE_NOTEQUAL: '<>', COMPARE_LESSTHAN: '<', COMPARE_GREATERTHAN: '>',
  COMPARE_LESSTHANOREQUALTO: '<=', COMPARE_GREATERTHANOREQUALTO: '>=',
};
const FLIPPED: Record<string, string> = { '=': '=', '<>': '<>', '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
const TEXT_TYPES = new Set(['text', 'character varying', 'character', 'name', 'citext']);

/**
 * Works out which columns and which WHERE conjuncts of a query over the
 * virtual table `source` PostgreSQL can handle. Only provably equivalent
 * filters are pushed (column vs constant with =, <>, <, <=, >, >=, IN,
 * BETWEEN, LIKE, IS [NOT] NULL), and only when the table is read once
 * without an outer join; DuckDB still applies the whole WHERE afterwards,
 * so pushing down narrows the transfer and never changes the answer.
 * Text ranges compare with COLLATE "C", which is DuckDB's byte order.
 */
export function planPushdown(statement: AstNode | null, source: string, columns: readonly SourceColumn[]): Pushdown {
  const all: Pushdown = { columns: [...columns], where: [], params: [] };
  if (!statement) return all;
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const refs: { select: AstNode; qualifier: string; single: boolean; innerOnly: boolean }[] = [];
  walk(statement, (n) => {
    if (n['type'] !== 'SELECT_NODE' || !isNode(n['from_table'])) return;
    const tables: AstNode[] = [];
    let innerOnly = true;
    collectFrom(n['from_table'], tables, (join) => {
      if (!['INNER', 'CROSS'].includes(String(join['join_type']))) innerOnly = false;
    });
    for (const t of tables) {
      if (t['type'] === 'BASE_TABLE' && String(t['table_name']).toLowerCase() === source && !t['schema_name']) {
        refs.push({ select: n, qualifier: String(t['alias'] || t['table_name']).toLowerCase(), single: tables.length === 1, innerOnly });
      }
    }
  });
  if (refs.length === 0) return all;
  const qualifiers = new Set(refs.map((r) => r.qualifier));

  // Projection: every column the statement names that this table has (over-approximating is harmless).
  const used = new Set<string>();
  let star = false;
  walk(statement, (n) => {
    // Only a * in a select list reads columns (ORDER BY ALL / GROUP BY ALL are stars too).
    if (n['type'] === 'SELECT_NODE') {
      walk(n['select_list'], (x) => {
        if (x['class'] !== 'STAR') return;
        const rel = String(x['relation_name'] ?? '').toLowerCase();
        if (rel === '' || qualifiers.has(rel) || x['columns'] === true) star = true;
      });
    }
    if (n['class'] === 'COLUMN_REF') {
      const parts = (n['column_names'] as string[]).map((p) => p.toLowerCase());
      const col = parts.length === 1 ? parts[0]! : parts.length === 2 && qualifiers.has(parts[0]!) ? parts[1]! : undefined;
      if (col && byName.has(col)) used.add(col);
    }
  });
  const projected = star ? [...columns] : columns.filter((c) => used.has(c.name.toLowerCase()));
  const out: Pushdown = { columns: projected.length > 0 ? projected : columns.slice(0, 1), where: [], params: [] };

  const ref = refs[0]!;
  if (refs.length !== 1 || !ref.innerOnly) return out;
  const columnOf = (e: unknown): SourceColumn | undefined => {
    if (!isNode(e) || e['class'] !== 'COLUMN_REF') return undefined;
    const parts = (e['column_names'] as string[]).map((p) => p.toLowerCase());
    if (parts.length === 2 && parts[0] === ref.qualifier) return byName.get(parts[1]!);
    if (parts.length === 1 && ref.single) return byName.get(parts[0]!);
    return undefined;
  };
  const param = (e: unknown): string | undefined => {
    const v = constantText(e);
    if (v === undefined) return undefined;
    out.params.push(v.text);
    // Numbers keep their own type (2.5 against an integer column must not fail to parse); text takes the column's.
    return `$${out.params.length}${v.kind === 'number' ? '::numeric' : v.kind === 'boolean' ? '::boolean' : ''}`;
  };
  for (const c of conjuncts(ref.select['where_clause'])) {
    const mark = out.params.length;
    const sql = translate(c, columnOf, param, ref.single);
    if (sql) out.where.push(sql);
    else out.params.length = mark;
  }
  return out;
}

function translate(e: AstNode, columnOf: (e: unknown) => SourceColumn | undefined, param: (e: unknown) => string | undefined, single: boolean): string | undefined {
  const q = (c: SourceColumn): string => `"${c.name.replaceAll('"', '""')}"`;
  const collate = (c: SourceColumn, op: string): string => (TEXT_TYPES.has(c.pgType) && op !== '=' && op !== '<>' ? ' COLLATE "C"' : '');
  const op = COMPARE[String(e['type'])];
  if (e['class'] === 'COMPARISON' && op) {
    const lc = columnOf(e['left']);
    const rc = columnOf(e['right']);
    if (lc && !rc) {
      const p = param(e['right']);
      return p ? `${q(lc)}${collate(lc, op)} ${op} ${p}` : undefined;
    }
    if (rc && !lc) {
      const p = param(e['left']);
      return p ? `${q(rc)}${collate(rc, op)} ${FLIPPED[op]} ${p}` : undefined;
    }
    return undefined;
  }
  if (e['class'] === 'OPERATOR' && e['type'] === 'COMPARE_IN') {
    const [first, ...rest] = e['children'] as AstNode[];
    const c = columnOf(first);
    if (!c || rest.length === 0) return undefined;
    const ps = rest.map(param);
    return ps.every((p) => p !== undefined) ? `${q(c)} IN (${ps.join(', ')})` : undefined;
  }
  if (e['class'] === 'BETWEEN') {
    const c = columnOf(e['input']);
    const lo = c ? param(e['lower']) : undefined;
    const hi = lo ? param(e['upper']) : undefined;
    return c && lo && hi ? `${q(c)}${collate(c, '<')} BETWEEN ${lo} AND ${hi}` : undefined;
  }
  if (e['class'] === 'OPERATOR' && (e['type'] === 'OPERATOR_IS_NULL' || e['type'] === 'OPERATOR_IS_NOT_NULL') && single) {
    const c = columnOf((e['children'] as AstNode[])[0]);
    return c ? `${q(c)} IS ${e['type'] === 'OPERATOR_IS_NULL' ? '' : 'NOT '}NULL` : undefined;
  }
  if (e['class'] === 'FUNCTION' && (e['function_name'] === '~~' || e['function_name'] === '!~~')) {
    const [l, r] = e['children'] as AstNode[];
    const c = columnOf(l);
    if (!c || !TEXT_TYPES.has(c.pgType)) return undefined;
    const p = param(r);
    return p ? `${q(c)} ${e['function_name'] === '~~' ? 'LIKE' : 'NOT LIKE'} ${p}` : undefined;
  }
  return undefined;
}

/** Text of a constant (or a CAST of one), as PostgreSQL will parse it for the column's type. */
function constantText(e: unknown): { text: string; kind: 'text' | 'number' | 'boolean' } | undefined {
  if (!isNode(e)) return undefined;
  if (e['class'] === 'CAST') {
    const inner = constantText(e['child']);
    return inner ? { text: inner.text, kind: 'text' } : undefined;
  }
  if (e['class'] !== 'CONSTANT') return undefined;
  const v = e['value'] as { is_null?: boolean; value?: unknown };
  if (v.is_null) return undefined;
  if (typeof v.value === 'string') return v.value.startsWith('\u0000n:') ? { text: v.value.slice(3), kind: 'number' } : { text: v.value, kind: 'text' };
  if (typeof v.value === 'number') return { text: String(v.value), kind: 'number' };
  if (typeof v.value === 'boolean') return { text: String(v.value), kind: 'boolean' };
  return undefined;
}

function conjuncts(where: unknown): AstNode[] {
  if (!isNode(where)) return [];
  if (where['class'] === 'CONJUNCTION' && where['type'] === 'CONJUNCTION_AND') return (where['children'] as AstNode[]).flatMap(conjuncts);
  return [where];
}

function collectFrom(from: unknown, tables: AstNode[], onJoin: (join: AstNode) => void): void {
  if (!isNode(from)) return;
  if (from['type'] === 'JOIN') {
    onJoin(from);
    collectFrom(from['left'], tables, onJoin);
    collectFrom(from['right'], tables, onJoin);
    return;
  }
  tables.push(from);
}
