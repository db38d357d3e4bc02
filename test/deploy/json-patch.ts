/** One RFC 6902 operation. */
export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'test' | 'move' | 'copy';
  path: string;
  value?: unknown;
  from?: string;
}

const OPS = new Set(['add', 'remove', 'replace', 'test', 'move', 'copy']);

/** True for a list of RFC 6902 operations (how Kustomize tells a JSON patch from a strategic merge one). */
export function isJsonPatch(doc: unknown): doc is JsonPatchOp[] {
  return Array.isArray(doc) && doc.length > 0 && doc.every((o) => o && typeof o === 'object' && OPS.has((o as JsonPatchOp).op) && typeof (o as JsonPatchOp).path === 'string');
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer "${pointer}" must start with /`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: any, path: string): { parent: any; key: string } {
  const t = tokens(path);
  const key = t.pop();
  if (key === undefined) throw new Error('cannot patch the document root');
  let parent = doc;
  for (const k of t) {
    parent = Array.isArray(parent) ? parent[Number(k)] : parent?.[k];
    if (parent === undefined || parent === null) throw new Error(`JSON patch path ${path}: ${k} does not exist`);
  }
  return { parent, key };
}

function get(doc: any, path: string): unknown {
  let v = doc;
  for (const k of tokens(path)) {
    v = Array.isArray(v) ? v[Number(k)] : v?.[k];
    if (v === undefined) throw new Error(`JSON patch path ${path} does not exist`);
  }
  return v;
}

function add(doc: any, path: string, value: unknown): void {
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length)) throw new Error(`JSON patch path ${path}: index out of range`);
    parent.splice(i, 0, value);
  } else parent[key] = value;
}

function remove(doc: any, path: string): void {
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length)) throw new Error(`JSON patch path ${path}: index out of range`);
    parent.splice(i, 1);
  } else {
    if (!(key in parent)) throw new Error(`JSON patch path ${path} does not exist`);
    delete parent[key];
  }
}

/** Applies RFC 6902 operations to a copy of `doc`. */
export function applyJsonPatch<T>(doc: T, ops: JsonPatchOp[]): T {
  const out = structuredClone(doc) as any;
  for (const o of ops) {
    switch (o.op) {
      case 'add':
        add(out, o.path, structuredClone(o.value));
        break;
      case 'remove':
        remove(out, o.path);
        break;
      case 'replace':
        get(out, o.path);
        remove(out, o.path);
        add(out, o.path, structuredClone(o.value));
        break;
      case 'test':
        if (JSON.stringify(get(out, o.path)) !== JSON.stringify(o.value)) throw new Error(`JSON patch test failed at ${o.path}`);
        break;
      case 'move': {
        const v = get(out, o.from!);
        remove(out, o.from!);
        add(out, o.path, v);
        break;
      }
      case 'copy':
        add(out, o.path, structuredClone(get(out, o.from!)));
        break;
    }
  }
  return out as T;
}
