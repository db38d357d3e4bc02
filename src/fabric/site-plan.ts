import { splitAggregate, type AggregateSplit } from './aggregate-partials.js';
import { FabricError } from './errors.js';
import { baseTable, canonical, columnRef, constant, functionName, isNode, rewrite, sameExpression, walk, type AstNode, type SqlAst } from './sql-ast.js';

/** Tables every node holds its own share of; a site query reads exactly one of them. */
export const SITE_TABLES: ReadonlySet<string> = new Set(['samples', 'rollups_1m', 'events', 'tags', 'latest']);

/** A column of the final answer. */
export interface OutputColumn {
  name: string;
  type: string;
}

/**
 * How one site query runs: the same `partialSql` on every node, then
 * `mergeSql` on the coordinator over their answers loaded as `partials`.
 */
export interface SitePlan {
  kind: 'aggregate' | 'rows';
  table: string;
  partialSql: string;
  /** WHERE of the original query (for pruning nodes by catalogue). */
  where: AstNode | null;
  /** For row plans: a node whose answer was cut by its row cap makes the whole answer truncated. */
  mergeSql(output: readonly OutputColumn[]): string;
}

interface OrderRef {
  column: string;
  descending: boolean;
  nulls: string;
}

const notDecomposable = (why: string): FabricError => new FabricError('FABRIC_NOT_DECOMPOSABLE', `this query cannot run with scope "site": ${why}`);

/** Plans a site query or throws FABRIC_NOT_DECOMPOSABLE saying why it would not be exact. */
export async function planSiteQuery(ast: SqlAst, sql: string): Promise<SitePlan> {
  const parsed = await ast.parse(sql);
  if (parsed.statements.length !== 1) throw notDecomposable('send exactly one SELECT');
  const statement = parsed.statements[0]!;
  const node = statement['node'] as AstNode;
  if (node['type'] !== 'SELECT_NODE') throw notDecomposable('UNION/INTERSECT/EXCEPT are not supported across nodes; run each part on its own');
  if (((node['cte_map'] as { map?: unknown[] }).map ?? []).length > 0) throw notDecomposable('WITH (common table expressions) is not supported across nodes');
  const from = node['from_table'] as AstNode;
  const table = String(from['table_name'] ?? '').toLowerCase();
  if (from['type'] !== 'BASE_TABLE' || !SITE_TABLES.has(table) || !['', 'main'].includes(String(from['schema_name'] ?? ''))) {
    throw notDecomposable(`read exactly one of ${[...SITE_TABLES].join(', ')} (no joins, subqueries or table functions in FROM); virtual sources are read on the node that registers them`);
  }
  if (node['qualify'] || node['sample'] || from['sample']) throw notDecomposable('QUALIFY and SAMPLE are not supported across nodes');
  walk(node, (n) => {
    if (n['class'] === 'SUBQUERY') throw notDecomposable('subqueries would only see one node\'s data');
    if (n['class'] === 'WINDOW') throw notDecomposable('window functions need every row in one place');
    if (n['class'] === 'PARAMETER') throw notDecomposable('bind the parameters first');
  });
  if (((node['group_sets'] as unknown[]) ?? []).length > 1) throw notDecomposable('GROUPING SETS, ROLLUP and CUBE are not supported across nodes');

  const items = (node['select_list'] as AstNode[]).map((x) => ({ ...x }));
  if (items.some((x) => x['class'] === 'STAR' && hasAggregate(ast, node))) throw notDecomposable('* with aggregates');
  let distinct = false;
  let limit: number | undefined;
  let offset = 0;
  let orders: AstNode[] = [];
  for (const m of node['modifiers'] as AstNode[]) {
    if (m['type'] === 'ORDER_MODIFIER') orders = m['orders'] as AstNode[];
    else if (m['type'] === 'DISTINCT_MODIFIER') {
      if (((m['distinct_on_targets'] as unknown[]) ?? []).length > 0) throw notDecomposable('DISTINCT ON is not supported across nodes');
      distinct = true;
    } else if (m['type'] === 'LIMIT_MODIFIER') {
      limit = m['limit'] ? constantInt(m['limit'], 'LIMIT') : undefined;
      offset = m['offset'] ? constantInt(m['offset'], 'OFFSET') : 0;
    } else throw notDecomposable(`${String(m['type'])} is not supported across nodes`);
  }

  // ORDER BY terms point at select items (by position, alias or equal expression) or become hidden items.
  const hidden: AstNode[] = [];
  const star = items.some((x) => x['class'] === 'STAR');
  const orderRefs: OrderRef[] = orders.map((o) => {
    const expr = o['expression'] as AstNode;
    let index = -1;
    if (expr['class'] === 'CONSTANT' && typeof (expr['value'] as AstNode)['value'] === 'number') index = Number((expr['value'] as AstNode)['value']) - 1;
    else if (expr['class'] === 'COLUMN_REF' && (expr['column_names'] as string[]).length === 1) {
      const name = (expr['column_names'] as string[])[0]!.toLowerCase();
      index = items.findIndex((x) => String(x['alias'] ?? '').toLowerCase() === name);
    }
    if (index < 0) index = items.findIndex((x) => x['class'] !== 'STAR' && sameExpression(x, expr));
    const ref = { descending: o['type'] === 'DESCENDING', nulls: String(o['null_order']) };
    // With *, every ORDER BY term travels as its own hidden column.
    if (!star && index >= 0 && index < items.length) return { ...ref, column: `__f${index}` };
    if (distinct && !star) throw notDecomposable('with DISTINCT, ORDER BY terms must be in the select list');
    hidden.push(expr);
    return { ...ref, column: `__h${hidden.length - 1}` };
  });

  const grouped = hasAggregate(ast, node) || ((node['group_expressions'] as unknown[]) ?? []).length > 0 || node['aggregate_handling'] === 'FORCE_AGGREGATES';
  const where = (node['where_clause'] as AstNode | null) ?? null;
  if (!grouped) return planRows(ast, statement, node, items, hidden, orderRefs, { distinct, limit, offset, table, where });
  return planAggregate(ast, statement, node, items, hidden, orderRefs, { distinct, limit, offset, table, where });
}

interface Shape {
  distinct: boolean;
  limit: number | undefined;
  offset: number;
  table: string;
  where: AstNode | null;
}

async function planRows(ast: SqlAst, statement: AstNode, node: AstNode, items: AstNode[], hidden: AstNode[], orderRefs: OrderRef[], shape: Shape): Promise<SitePlan> {
  const star = items.some((x) => x['class'] === 'STAR');
  if (star && items.length > 1) throw notDecomposable('combine * with other columns only on one node; list the columns instead');
  const list = [...(star ? items : items.map((x, i) => ({ ...x, alias: `__f${i}` }))), ...hidden.map((x, j) => ({ ...x, alias: `__h${j}` }))];
  const modifiers: AstNode[] = [];
  if (shape.distinct) modifiers.push({ type: 'DISTINCT_MODIFIER', distinct_on_targets: [] });
  if (orderRefs.length > 0) modifiers.push(orderModifier(orderRefs));
  if (shape.limit !== undefined) modifiers.push({ type: 'LIMIT_MODIFIER', limit: constant(shape.limit + shape.offset), offset: null });
  const partial = { ...statement, node: { ...node, select_list: list, modifiers } };
  const partialSql = await ast.deparse(partial);
  return {
    kind: 'rows', table: shape.table, partialSql, where: shape.where,
    mergeSql(output) {
      const cols = output.map((c, i) => `CAST(${star ? quoteIdent(c.name) : `__f${i}`} AS ${c.type}) AS ${quoteIdent(c.name)}`);
      const src = shape.distinct ? '(SELECT DISTINCT * FROM partials)' : 'partials';
      return `SELECT ${cols.join(', ')} FROM ${src} AS p${orderLimit(orderRefs, shape)}`;
    },
  };
}

async function planAggregate(ast: SqlAst, statement: AstNode, node: AstNode, items: AstNode[], hidden: AstNode[], orderRefs: OrderRef[], shape: Shape): Promise<SitePlan> {
  // Group keys: GROUP BY terms (positions and aliases resolved), or every non-aggregate item for GROUP BY ALL.
  let keys: AstNode[];
  if (node['aggregate_handling'] === 'FORCE_AGGREGATES') keys = items.filter((x) => !containsAggregate(ast, x));
  else {
    keys = ((node['group_expressions'] as AstNode[]) ?? []).map((g) => {
      if (g['class'] === 'CONSTANT' && typeof (g['value'] as AstNode)['value'] === 'number') {
        const item = items[Number((g['value'] as AstNode)['value']) - 1];
        if (!item) throw notDecomposable('GROUP BY position is out of range');
        return item;
      }
      if (g['class'] === 'COLUMN_REF' && (g['column_names'] as string[]).length === 1) {
        const name = (g['column_names'] as string[])[0]!.toLowerCase();
        const item = items.find((x) => String(x['alias'] ?? '').toLowerCase() === name && !containsAggregate(ast, x));
        if (item) return item;
      }
      return g;
    });
  }
  keys = keys.map((k) => ({ ...k, alias: '' }));

  const calls: { call: AstNode; split: AggregateSplit }[] = [];
  const indexOfCall = new Map<string, number>();
  const collect = async (root: unknown): Promise<void> => {
    const found: AstNode[] = [];
    walkOutermostAggregates(ast, root, (n) => found.push(n));
    for (const call of found) {
      const key = canonical(call);
      if (indexOfCall.has(key)) continue;
      indexOfCall.set(key, calls.length);
      calls.push({ call, split: splitAggregate(call, await ast.deparseExpression(call)) });
    }
  };
  for (const x of [...items, ...hidden]) await collect(x);
  if (node['having']) await collect(node['having']);

  const partialList: AstNode[] = keys.map((k, i) => ({ ...k, alias: `g${i}` }));
  const partialCols = calls.map(({ split }, k) => split.partials.map((p, j) => {
    partialList.push({ ...p, alias: `p${k}_${j}` });
    return `p${k}_${j}`;
  }));
  const partial = {
    ...statement,
    node: {
      ...node, select_list: partialList, modifiers: [], having: null, aggregate_handling: 'STANDARD_HANDLING',
      group_expressions: keys.map((_, i) => constant(i + 1, 'INTEGER')), group_sets: keys.length > 0 ? [keys.map((_, i) => i)] : [],
    },
  };
  const partialSql = await ast.deparse(partial);

  // The final projection reads merged group keys g<i> and merged aggregates a<k>.
  const toMerged = (root: AstNode, what: string): AstNode => {
    const out = rewrite(root, (n) => {
      const g = keys.findIndex((k) => sameExpression(k, n));
      if (g >= 0) return columnRef(`g${g}`, String(n['alias'] ?? ''));
      const name = functionName(n);
      if (name && ast.aggregates.has(name)) return columnRef(`a${indexOfCall.get(canonical(n))!}`, String(n['alias'] ?? ''));
      return undefined;
    }) as AstNode;
    walk(out, (n) => {
      if (n['class'] === 'COLUMN_REF' && !/^[ag]\d+$/.test((n['column_names'] as string[]).join('.'))) {
        throw notDecomposable(`${what} uses column ${(n['column_names'] as string[]).join('.')} that is neither grouped nor aggregated`);
      }
    });
    return out;
  };
  const finalItems = [...items.map((x, i) => ({ ...toMerged(x, 'the select list'), alias: `__f${i}` })), ...hidden.map((x, j) => ({ ...toMerged(x, 'ORDER BY'), alias: `__h${j}` }))];
  const finalNode = {
    ...node, select_list: finalItems, from_table: baseTable('merged'), where_clause: node['having'] ? toMerged(node['having'] as AstNode, 'HAVING') : null,
    group_expressions: [], group_sets: [], having: null, aggregate_handling: 'STANDARD_HANDLING',
    modifiers: shape.distinct ? [{ type: 'DISTINCT_MODIFIER', distinct_on_targets: [] }] : [],
  };
  const finalSql = await ast.deparse({ ...statement, node: finalNode });

  const groupCols = keys.map((_, i) => `g${i}`);
  const windows = calls.map(({ split }, k) => (split.window ? `${split.window(partialCols[k]!)} AS w${k}` : null)).filter((x): x is string => x !== null);
  const over = `WINDOW w AS (${groupCols.length > 0 ? `PARTITION BY ${groupCols.join(', ')}` : ''})`;
  const source = windows.length > 0 ? `(SELECT *, ${windows.join(', ')} FROM partials ${over})` : 'partials';
  const merges = calls.map(({ split }, k) => `${split.merge(partialCols[k]!, `w${k}`)} AS a${k}`);
  const merged = `SELECT ${[...groupCols, ...merges].join(', ')} FROM ${source} AS s${groupCols.length > 0 ? ` GROUP BY ${groupCols.join(', ')}` : ''}`;
  return {
    kind: 'aggregate', table: shape.table, partialSql, where: shape.where,
    mergeSql(output) {
      const cols = output.map((c, i) => `CAST(__f${i} AS ${c.type}) AS ${quoteIdent(c.name)}`);
      return `WITH merged AS (${merged}) SELECT ${cols.join(', ')} FROM (${finalSql}) AS f${orderLimit(orderRefs, shape)}`;
    },
  };
}

function orderLimit(orderRefs: readonly OrderRef[], shape: Shape): string {
  let sql = '';
  if (orderRefs.length > 0) sql += ` ORDER BY ${orderRefs.map((o) => `${o.column} ${o.descending ? 'DESC' : 'ASC'}${nullsSql(o.nulls)}`).join(', ')}`;
  if (shape.limit !== undefined) sql += ` LIMIT ${shape.limit}`;
  if (shape.offset > 0) sql += ` OFFSET ${shape.offset}`;
  return sql;
}

function nullsSql(nullOrder: string): string {
  if (nullOrder === 'NULLS_FIRST') return ' NULLS FIRST';
  if (nullOrder === 'NULLS_LAST') return ' NULLS LAST';
  return '';
}

function orderModifier(refs: readonly OrderRef[]): AstNode {
  return {
    type: 'ORDER_MODIFIER',
    orders: refs.map((o) => ({
      type: o.descending ? 'DESCENDING' : 'ASCENDING',
      null_order: o.nulls === 'NULLS_FIRST' || o.nulls === 'NULLS_LAST' ? o.nulls : 'ORDER_DEFAULT',
      expression: columnRef(o.column),
    })),
  };
}

function constantInt(expr: unknown, what: string): number {
  const v = isNode(expr) && expr['class'] === 'CONSTANT' ? (expr['value'] as AstNode)['value'] : undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw notDecomposable(`${what} must be a whole number`);
  return n;
}

function hasAggregate(ast: SqlAst, node: AstNode): boolean {
  return [...(node['select_list'] as AstNode[]), node['having']].some((x) => containsAggregate(ast, x));
}

function containsAggregate(ast: SqlAst, root: unknown): boolean {
  let found = false;
  walkOutermostAggregates(ast, root, () => (found = true));
  return found;
}

/** Visits aggregate calls that are not nested inside another aggregate. */
function walkOutermostAggregates(ast: SqlAst, root: unknown, visit: (call: AstNode) => void): void {
  if (Array.isArray(root)) {
    for (const x of root) walkOutermostAggregates(ast, x, visit);
    return;
  }
  if (!isNode(root)) return;
  const name = functionName(root);
  if (name && ast.aggregates.has(name)) {
    visit(root);
    return;
  }
  for (const v of Object.values(root)) if (typeof v === 'object' && v !== null) walkOutermostAggregates(ast, v, visit);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
