import { isNode, type AstNode } from './sql-ast.js';

/** Which tags a WHERE clause can possibly match: exact ids and/or id prefixes; undefined = any. */
export interface TagScope {
  ids: Set<string>;
  prefixes: string[];
}

/**
 * Reads `tag = 'x'`, `tag IN (...)` and `tag LIKE 'prefix%'` from the
 * top-level AND of a WHERE. Anything else leaves the scope open, so pruning
 * only ever skips a node that provably holds none of the tags.
 */
export function tagScope(where: AstNode | null): TagScope | undefined {
  let scope: TagScope | undefined;
  for (const c of conjuncts(where)) {
    const s = single(c);
    if (!s) continue;
    scope = scope ? intersect(scope, s) : s;
  }
  return scope;
}

/** Whether a node holding `tags` may hold rows in scope. */
export function mayHold(scope: TagScope | undefined, tags: readonly string[]): boolean {
  if (!scope) return true;
  return tags.some((t) => scope.ids.has(t) || scope.prefixes.some((p) => t.startsWith(p)));
}

function single(e: AstNode): TagScope | undefined {
  const isTag = (x: unknown): boolean => isNode(x) && x['class'] === 'COLUMN_REF' && (x['column_names'] as string[]).at(-1)?.toLowerCase() === 'tag';
  const text = (x: unknown): string | undefined => (isNode(x) && x['class'] === 'CONSTANT' && typeof (x['value'] as AstNode)['value'] === 'string' ? String((x['value'] as AstNode)['value']) : undefined);
  if (e['class'] === 'COMPARISON' && e['type'] === 'COMPARE_EQUAL') {
    const v = isTag(e['left']) ? text(e['right']) : isTag(e['right']) ? text(e['left']) : undefined;
    return v === undefined ? undefined : { ids: new Set([v]), prefixes: [] };
  }
  if (e['class'] === 'OPERATOR' && e['type'] === 'COMPARE_IN') {
    const [first, ...rest] = e['children'] as AstNode[];
    const values = rest.map(text);
    return isTag(first) && values.every((v) => v !== undefined) ? { ids: new Set(values as string[]), prefixes: [] } : undefined;
  }
  if (e['class'] === 'FUNCTION' && e['function_name'] === '~~') {
    const [l, r] = e['children'] as AstNode[];
    const pattern = text(r);
    const m = pattern === undefined ? null : /^([^%_\\]*)%$/.exec(pattern);
    return isTag(l) && m ? { ids: new Set(), prefixes: [m[1]!] } : undefined;
  }
  return undefined;
}

function intersect(a: TagScope, b: TagScope): TagScope {
  // Keeping the narrower side is enough: pruning stays conservative.
  return a.ids.size + a.prefixes.length <= b.ids.size + b.prefixes.length ? a : b;
}

function conjuncts(where: unknown): AstNode[] {
  if (!isNode(where)) return [];
  if (where['class'] === 'CONJUNCTION' && where['type'] === 'CONJUNCTION_AND') return (where['children'] as AstNode[]).flatMap(conjuncts);
  return [where];
}
