import type { SampleBatch, TagRegistry } from '../../core/index.js';
import { RowWindow } from '../../inference/index.js';

/**
 * Collects rows the way a running tags model sees them (one per window, each
 * tag's newest stored value), optionally only while a state tag has one of
 * the given values.
 */
export class RowWindowTable {
  readonly rows: number[][] = [];
  readonly #ids: string[];
  readonly #window: RowWindow;
  readonly #when: { tag: string; in: number[]; settle?: number } | undefined;
  #features: Map<number, number> | null = null;
  #gateIndex = -1;
  #gate = Number.NaN;
  #gateSince = Number.NEGATIVE_INFINITY;
  #keep = false;
  #tags: TagRegistry;

  constructor(ids: string[], windowMs: number, tags: TagRegistry, when?: { tag: string; in: number[]; settle?: number }) {
    this.#ids = ids;
    this.#window = new RowWindow(ids.length, windowMs, 1);
    this.#when = when;
    this.#tags = tags;
  }

  /** Adds a stored batch; rows closing while `keep` is false are dropped (settling time). */
  add(batch: SampleBatch, keep: boolean): void {
    this.#keep = keep;
    const features = (this.#features ??= this.#resolve());
    for (let i = 0; i < batch.length; i++) {
      const t = batch.tag[i]!;
      if (t === this.#gateIndex && batch.value[i] !== this.#gate) {
        this.#gate = batch.value[i]!;
        this.#gateSince = batch.ts[i]!;
      }
      const j = features.get(t);
      const v = batch.value[i]!;
      if (j === undefined || !Number.isFinite(v)) continue;
      this.#window.add(j, batch.ts[i]!, v, (end) => this.#row(end));
    }
  }

  #row(end: number): void {
    if (!this.#keep) return;
    if (this.#when && (!this.#when.in.includes(this.#gate) || end - this.#gateSince < (this.#when.settle ?? 0))) return;
    this.rows.push(Array.from(this.#window.lastRow()));
  }

  #resolve(): Map<number, number> {
    const m = new Map<number, number>();
    this.#ids.forEach((id, j) => {
      const index = this.#tags.index(id);
      if (index === undefined) throw new Error(`tag "${id}" is not a signal of the simulated plant`);
      m.set(index, j);
    });
    if (this.#when) this.#gateIndex = this.#tags.index(this.#when.tag) ?? -1;
    return m;
  }
}
