import { FabricError } from './errors.js';
import { functionCall, functionName, type AstNode } from './sql-ast.js';

/**
 * How one aggregate call splits into per-node partial states and how the
 * coordinator recombines them. `partials` are expressions each node computes
 * per group; `merge` is SQL over the columns that hold them (named in
 * `cols`); `window` (variance family only) is a per-group helper column the
 * merge reads as `w`.
 */
export interface AggregateSplit {
  partials: AstNode[];
  merge(cols: string[], w: string): string;
  window?(cols: string[]): string;
}

const VARIANCE = new Set(['var_samp', 'variance', 'var_pop', 'stddev', 'stddev_samp', 'stddev_pop']);
const SIMPLE: Record<string, string> = { min: 'min', max: 'max', bool_and: 'bool_and', bool_or: 'bool_or', any_value: 'any_value', arbitrary: 'any_value', sum: 'sum', fsum: 'sum', kahan_sum: 'sum', sumkahan: 'sum' };
const ARG: Record<string, 'min' | 'max'> = { arg_min: 'min', argmin: 'min', min_by: 'min', arg_max: 'max', argmax: 'max', max_by: 'max' };

/** Decomposes one aggregate call, or throws FABRIC_NOT_DECOMPOSABLE naming why. */
export function splitAggregate(call: AstNode, sqlText: string): AggregateSplit {
  const name = functionName(call) ?? '';
  const children = (call['children'] as AstNode[] | undefined) ?? [];
  const filter = call['filter'] ?? null;
  const orders = ((call['order_bys'] as { orders?: AstNode[] } | undefined)?.orders ?? []);
  const agg = (fn: string, args: AstNode[], extra: Partial<AstNode> = {}): AstNode => functionCall(fn, args, { filter, ...extra });
  const refuse = (why: string): never => {
    throw new FabricError('FABRIC_NOT_DECOMPOSABLE', `${sqlText} cannot be computed exactly across nodes: ${why}. Run it with scope "local" on each node, or rewrite it with count, sum, avg, min, max, stddev/variance, first/last(x ORDER BY ts) or arg_min/arg_max`);
  };
  if (call['distinct'] === true && name !== 'min' && name !== 'max') refuse('DISTINCT aggregates need every value in one place');
  if (orders.length > 0 && name !== 'first' && name !== 'last') refuse('an ORDER BY inside this aggregate is not mergeable');
  if (name === 'count_star' || name === 'count') {
    if (name === 'count' && children.length !== 1) refuse('count takes one argument');
    return { partials: [agg(name, children)], merge: ([c]) => `coalesce(sum(${c}), 0)` };
  }
  const simple = SIMPLE[name];
  if (simple) {
    if (children.length !== 1) refuse(`${name} takes one argument here`);
    return { partials: [agg(name === 'arbitrary' ? 'any_value' : name, children, { distinct: false })], merge: ([c]) => `${simple}(${c})` };
  }
  if (name === 'avg' || name === 'mean') {
    if (children.length !== 1) refuse('avg takes one argument');
    return { partials: [agg('sum', children), agg('count', children)], merge: ([s, n]) => `sum(${s}) / nullif(sum(${n}), 0)` };
  }
  if (VARIANCE.has(name)) {
    if (children.length !== 1) refuse(`${name} takes one argument`);
    const count = agg('count', children);
    // Chan et al.: per node (n, mean, M2); M2 = Σ M2ᵢ + Σ nᵢ (meanᵢ − mean)², stable for large means.
    const m2 = functionCall('*', [agg('var_pop', children), count], { is_operator: true });
    const pop = name === 'var_pop' || name === 'stddev_pop';
    const root = name.startsWith('stddev');
    return {
      partials: [count, agg('avg', children), m2],
      window: ([n, mean]) => `sum(${n} * ${mean}) OVER w / nullif(sum(${n}) OVER w, 0)`,
      merge: ([n, mean, q], w) => {
        const total = `sum(${n})`;
        const sq = `(sum(${q}) + sum(${n} * (${mean} - ${w}) * (${mean} - ${w})))`;
        const v = pop ? `CASE WHEN ${total} > 0 THEN ${sq} / ${total} END` : `CASE WHEN ${total} > 1 THEN ${sq} / (${total} - 1) END`;
        return root ? `sqrt(${v})` : v;
      },
    };
  }
  const arg = ARG[name];
  if (arg) {
    if (children.length !== 2) refuse(`${name} with a count argument returns lists`);
    return { partials: [agg(`arg_${arg}`, children), agg(arg, [children[1]!])], merge: ([v, k]) => `arg_${arg}(${v}, ${k})` };
  }
  if (name === 'first' || name === 'last') {
    const order = orders[0];
    if (orders.length !== 1 || !order) refuse(`${name}() without ORDER BY depends on which node answers first; write ${name}(x ORDER BY ts)`);
    const descending = order!['type'] === 'DESCENDING';
    // The row a node picks carries its ordering key; the site's pick is the extreme key.
    const takesSmallest = (name === 'first') !== descending;
    const key = agg(takesSmallest ? 'min' : 'max', [order!['expression'] as AstNode]);
    return {
      partials: [agg(name, children, { order_bys: call['order_bys'] }), key],
      merge: ([v, k]) => `first(${v} ORDER BY ${k} ${takesSmallest ? 'ASC' : 'DESC'} NULLS LAST)`,
    };
  }
  return refuse(`${name} is not one of the mergeable aggregates`);
}
