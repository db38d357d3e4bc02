import { FabricError } from '../errors.js';
import type { Fabric, QueryScope } from '../fabric.js';
import { columnRef, constant, functionCall, isNode, rewrite, walk, type AstNode } from '../sql-ast.js';
import { SITE_TABLES } from '../site-plan.js';
import { edgeLakeIntervals, findCall, timeUnit } from './edgelake-command.js';
import type { QueryResult } from '../../store/index.js';

const unsupported = (msg: string): FabricError => Object.assign(new FabricError('FABRIC_EDGELAKE_UNSUPPORTED', msg), { code: 'QUERY_INVALID' as const });

/**
 * Runs an EdgeLake-flavoured SELECT: time arithmetic (`now() - 1 hour`,
 * `-4t`), a tag id as table name (`FROM line1_filler_product_temp`, with
 * columns timestamp/value), `increments(unit, n, column)` (time buckets) and
 * `period(unit, n, time, column[, and filter])` (the last n units of data at
 * or before a time).
 */
export async function runEdgeLakeSql(fabric: Fabric, select: string, opts: { scope: QueryScope; maxRows: number; timeoutMs: number }): Promise<QueryResult> {
  let sql = edgeLakeIntervals(select);
  let increments: { unit: string; n: string; column: string } | undefined;
  const inc = findCall(sql, 'increments');
  if (inc) {
    const [unit, n, column] = inc.args;
    const u = timeUnit(unit ?? '');
    if (!u || !/^\d+$/.test(n ?? '') || !column) throw unsupported('increments takes (time-unit, units, date-column), e.g. increments(minute, 5, timestamp)');
    increments = { unit: u, n: n!, column };
    sql = `${sql.slice(0, inc.start)}${sql.slice(inc.end).replace(/^\s*,/, '')}`.replace(/\bselect\s*,/i, 'SELECT ');
  }
  const per = findCall(sql, 'period');
  if (per) {
    const [unit, n, base, column, filter] = per.args;
    const u = timeUnit(unit ?? '');
    if (!u || !/^\d+$/.test(n ?? '') || !base || !column) throw unsupported('period takes (time-unit, units, date-time, date-column[, filter]), e.g. period(minute, 5, now(), timestamp)');
    const extra = filter ? ` AND (${filter.replace(/^and\s+/i, '')})` : '';
    const lastSql = await endOfPeriodSql(fabric, `${sql.slice(0, per.start)}(${column} <= ${base}${extra})${sql.slice(per.end)}`, column);
    const last = await fabric.query(lastSql, { ...opts, maxRows: 1 });
    const end = last.rows[0]?.[0];
    const range = typeof end === 'string'
      ? `(${column} > CAST('${end}' AS TIMESTAMP) - INTERVAL '${n} ${u}' AND ${column} <= CAST('${end}' AS TIMESTAMP)${extra})`
      : 'FALSE';
    sql = `${sql.slice(0, per.start)}${range}${sql.slice(per.end)}`;
  }
  const mapped = await mapTables(fabric, sql, increments);
  return fabric.query(mapped, opts);
}

async function endOfPeriodSql(fabric: Fabric, sql: string, column: string): Promise<string> {
  const parsed = await fabric.ast.parse(sql);
  const statement = parsed.statements[0];
  if (parsed.statements.length !== 1 || !statement) throw unsupported('send one SELECT');
  const node = statement['node'] as AstNode;
  const col = (await fabric.ast.parse(`SELECT ${column}`)).statements[0]!['node'] as AstNode;
  const expr = (col['select_list'] as AstNode[])[0]!;
  const max = { ...statement, node: { ...node, select_list: [functionCall('max', [expr])], group_expressions: [], group_sets: [], having: null, modifiers: [], aggregate_handling: 'STANDARD_HANDLING' } };
  return mapTables(fabric, await fabric.ast.deparse(max), undefined);
}

/** Replaces a tag-named table by `samples` filtered to that tag, with `timestamp` read as `ts`. */
async function mapTables(fabric: Fabric, sql: string, increments: { unit: string; n: string; column: string } | undefined): Promise<string> {
  const parsed = await fabric.ast.parse(sql);
  if (parsed.statements.length !== 1) throw unsupported('send one SELECT');
  const statement = parsed.statements[0]!;
  const node = statement['node'] as AstNode;
  const from = node['from_table'] as AstNode;
  let tag: string | undefined;
  if (isNode(from) && from['type'] === 'BASE_TABLE') {
    // A tag id with dots parses as catalog.schema.table; EdgeLake clients write it bare.
    const name = [from['catalog_name'], from['schema_name'], from['table_name']].filter((x) => typeof x === 'string' && x !== '').join('.');
    if (!SITE_TABLES.has(name.toLowerCase()) && !fabric.local.sources.has(name.toLowerCase())) tag = await resolveTag(fabric, name);
  }
  // Unaliased items keep the names EdgeLake clients expect, e.g. "max(timestamp)".
  const items = await Promise.all((node['select_list'] as AstNode[]).map(async (x) => (x['alias'] || x['class'] === 'STAR' || x['class'] === 'COLUMN_REF' ? x : { ...x, alias: (await fabric.ast.deparseExpression(x)).replaceAll('"', '').replaceAll('count_star()', 'count(*)') })));
  let out: AstNode = { ...node, select_list: items };
  if (increments) {
    const bucket = (await fabric.ast.parse(`SELECT time_bucket(INTERVAL '${increments.n} ${increments.unit}', ${increments.column})`)).statements[0]!['node'] as AstNode;
    const groups = [...((out['group_expressions'] as AstNode[]) ?? []), (bucket['select_list'] as AstNode[])[0]!];
    out = { ...out, group_expressions: groups, group_sets: [groups.map((_, i) => i)], aggregate_handling: 'STANDARD_HANDLING' };
  }
  if (tag !== undefined) {
    out = rewrite(out, (n) => (n['class'] === 'COLUMN_REF' && (n['column_names'] as string[]).at(-1)?.toLowerCase() === 'timestamp' ? columnRef('ts', String(n['alias'] ?? '')) : undefined)) as AstNode;
    const isTag = { class: 'COMPARISON', type: 'COMPARE_EQUAL', alias: '', left: columnRef('tag'), right: constant(tag) };
    const where = out['where_clause'] as AstNode | null;
    out = {
      ...out, from_table: { ...from, table_name: 'samples', schema_name: '', catalog_name: '' },
      where_clause: where ? { class: 'CONJUNCTION', type: 'CONJUNCTION_AND', alias: '', children: [isTag, where] } : isTag,
    };
  }
  let star = false;
  walk(out['select_list'], (n) => (star ||= n['class'] === 'STAR'));
  if (star && tag !== undefined) out = { ...out, select_list: [columnRef('ts', 'timestamp'), columnRef('value'), columnRef('value_text'), columnRef('quality'), columnRef('tag'), columnRef('unit')] };
  return fabric.ast.deparse({ ...statement, node: out });
}

async function resolveTag(fabric: Fabric, table: string): Promise<string> {
  const cat = await fabric.catalogue.get();
  const peers = fabric.peerStatus();
  const known = new Set(cat.tags.map((t) => t.tag));
  for (const id of await fabric.peerTags()) known.add(id);
  if (known.has(table)) return table;
  const wanted = table.toLowerCase();
  for (const id of known) if (id.toLowerCase().replace(/[.:-]/g, '_') === wanted) return id;
  throw Object.assign(new FabricError('FABRIC_EDGELAKE_UNSUPPORTED', `table "${table}" is neither a view (${[...SITE_TABLES].join(', ')}), a virtual source nor a tag id (dots may be written as _) on this node or its ${peers.length} peer(s)`), { code: 'QUERY_INVALID' as const });
}
