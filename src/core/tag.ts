export type TagDataType = 'number' | 'integer' | 'boolean' | 'string';

/** What a node knows about one tag; built from the site config's tag bindings. */
export interface TagDefinition {
  /** Stable id, e.g. "line1.filler.temperature". */
  id: string;
  /** ISA-95 asset path of the equipment the tag belongs to. */
  assetPath: string;
  /** Point name within the asset, e.g. "temperature". */
  point: string;
  dataType: TagDataType;
  unit: string;
  description: string;
  /** Engineering range, if known. */
  low?: number;
  high?: number;
  /** Retention class name (see config.retention). */
  retentionClass: string;
  /** Device id the tag is read from; derived tags name the stage that made them. */
  source: string;
  writable: boolean;
}

/** Index ↔ definition for every tag the node knows; batches carry the index. */
export class TagRegistry {
  #byId = new Map<string, number>();
  #defs: TagDefinition[] = [];
  #listeners = new Set<(index: number, def: TagDefinition) => void>();

  /** Registers a tag (or returns the index it already has). */
  define(def: TagDefinition): number {
    const existing = this.#byId.get(def.id);
    if (existing !== undefined) {
      this.#defs[existing] = def;
      return existing;
    }
    const index = this.#defs.length;
    this.#defs.push(def);
    this.#byId.set(def.id, index);
    for (const fn of this.#listeners) fn(index, def);
    return index;
  }

  index(id: string): number | undefined {
    return this.#byId.get(id);
  }

  get(index: number): TagDefinition | undefined {
    return this.#defs[index];
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  get size(): number {
    return this.#defs.length;
  }

  all(): readonly TagDefinition[] {
    return this.#defs;
  }

  /** Called for every tag defined from now on (the store registers them). */
  onDefine(fn: (index: number, def: TagDefinition) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
}
