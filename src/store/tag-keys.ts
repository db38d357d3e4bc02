import type { TagDefinition } from '../core/index.js';
import { sqlString } from './schema.js';

/**
 * Registry index → stored tag key. Keys are persisted in `tag_meta`, so the
 * numbering survives restarts even when the registry hands out different
 * indices next time. Defining is synchronous; the row reaches the database
 * with the next commit.
 */
export class TagKeys {
  #keyById = new Map<string, number>();
  #keyByIndex = new Int32Array(256).fill(-1);
  #indexByKey = new Int32Array(256).fill(-1);
  #defByKey: (TagDefinition | undefined)[] = [];
  #nextKey = 0;
  #pending = new Map<number, TagDefinition>();

  /** Keys already stored, read at open. */
  loadStored(rows: Iterable<{ key: number; id: string }>): void {
    for (const { key, id } of rows) {
      this.#keyById.set(id, key);
      this.#nextKey = Math.max(this.#nextKey, key + 1);
    }
  }

  define(index: number, def: TagDefinition): number {
    let key = this.#keyById.get(def.id);
    if (key === undefined) {
      key = this.#nextKey++;
      this.#keyById.set(def.id, key);
    }
    this.#keyByIndex = ensure(this.#keyByIndex, index);
    this.#indexByKey = ensure(this.#indexByKey, key);
    this.#keyByIndex[index] = key;
    this.#indexByKey[key] = index;
    this.#defByKey[key] = def;
    this.#pending.set(key, def);
    return key;
  }

  /** The lookup table used per batch: `table[index]` is the key or -1. */
  get table(): Int32Array {
    return this.#keyByIndex;
  }

  keyOf(index: number): number {
    return index < this.#keyByIndex.length ? this.#keyByIndex[index]! : -1;
  }

  indexOf(key: number): number {
    return key < this.#indexByKey.length ? this.#indexByKey[key]! : -1;
  }

  defOf(key: number): TagDefinition | undefined {
    return this.#defByKey[key];
  }

  keysOfClass(cls: string, defaultClass: string): number[] {
    const out: number[] = [];
    this.#defByKey.forEach((def, key) => {
      if (def && (def.retentionClass || defaultClass) === cls) out.push(key);
    });
    return out;
  }

  /** Definitions not yet written; put them back with `requeue` if the commit fails. */
  takePending(): [number, TagDefinition][] {
    const out = [...this.#pending];
    this.#pending.clear();
    return out;
  }

  requeue(rows: [number, TagDefinition][]): void {
    for (const [key, def] of rows) if (!this.#pending.has(key)) this.#pending.set(key, def);
  }
}

function ensure(a: Int32Array<ArrayBuffer>, i: number): Int32Array<ArrayBuffer> {
  if (i < a.length) return a;
  const b = new Int32Array(Math.max(a.length * 2, i + 1)).fill(-1);
  b.set(a);
  return b;
}

/** One INSERT OR REPLACE for a set of tag definitions. */
export function upsertTagsSql(rows: readonly [number, TagDefinition][]): string {
  const num = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? 'NULL' : String(n));
  const values = rows.map(([key, d]) =>
    `(${key}, ${[d.id, d.assetPath, d.point, d.dataType, d.unit, d.description].map(sqlString).join(', ')}, ` +
    `${num(d.low)}, ${num(d.high)}, ${sqlString(d.retentionClass)}, ${sqlString(d.source)}, ${d.writable ? 'true' : 'false'})`,
  );
  return `INSERT OR REPLACE INTO tag_meta VALUES ${values.join(',\n')}`;
}
