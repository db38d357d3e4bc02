import type { TagRegistry } from '../core/index.js';
import type { DeviceConfig, TagBinding } from '../config/index.js';

/**
 * Tag bindings of the site config looked up by registry index. Stages use it
 * to fill their dense per-tag parameter arrays, at construction and again when
 * a batch carries an index defined after them (which then gets its binding if
 * the config has one, defaults otherwise).
 */
export class TagBindings {
  readonly #byId = new Map<string, TagBinding>();
  readonly tags: TagRegistry;

  constructor(tags: TagRegistry, devices: readonly Pick<DeviceConfig, 'tags'>[] = []) {
    this.tags = tags;
    for (const d of devices) for (const t of d.tags) this.#byId.set(t.id, t);
  }

  /** The binding of the tag at `index`, if the tag is known and bound. */
  at(index: number): TagBinding | undefined {
    const def = this.tags.get(index);
    return def ? this.#byId.get(def.id) : undefined;
  }

  /** Engineering span (high − low) from the binding, else the tag definition; NaN if unknown. */
  span(index: number): number {
    const b = this.at(index);
    const def = this.tags.get(index);
    const low = b?.low ?? def?.low;
    const high = b?.high ?? def?.high;
    return low !== undefined && high !== undefined ? high - low : Number.NaN;
  }
}

type Column = Float64Array | Uint8Array | Int32Array | Uint32Array;

/** `column` itself if it has index `index`, else a copy with room for it, new cells set to `fill`. */
export function growColumn<T extends Column>(column: T, index: number, fill: number): T {
  if (index < column.length) return column;
  let cap = Math.max(16, column.length);
  while (cap <= index) cap *= 2;
  const next = new (column.constructor as new (n: number) => T)(cap);
  next.set(column);
  next.fill(fill, column.length);
  return next;
}
