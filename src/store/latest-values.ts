import type { SampleBatch } from '../core/index.js';

/** One stored tag's newest committed sample. */
export interface LatestEntry {
  ts: number;
  value: number;
  text: string | null;
  quality: number;
}

/** Newest sample per stored tag key, kept in typed arrays. */
export class LatestValues {
  #ts = new Float64Array(256).fill(Number.NEGATIVE_INFINITY);
  #v = new Float64Array(256);
  #q = new Uint8Array(256);
  #text = new Map<number, string>();

  set(k: number, ts: number, value: number, quality: number, text: string | null): void {
    if (k >= this.#ts.length) this.#grow(k);
    if (!(ts >= this.#ts[k]!)) return;
    this.#ts[k] = ts;
    this.#v[k] = value;
    this.#q[k] = quality;
    if (text === null) this.#text.delete(k);
    else this.#text.set(k, text);
  }

  /** Folds in a committed batch; `keys[index]` maps registry index to key. */
  update(batch: SampleBatch, keys: Int32Array): void {
    for (let i = 0; i < batch.length; i++) {
      const index = batch.tag[i]!;
      const k = index < keys.length ? keys[index]! : -1;
      const ts = batch.ts[i]!;
      if (k < 0 || !Number.isFinite(ts)) continue;
      if (k < this.#ts.length && ts < this.#ts[k]!) continue;
      const v = batch.value[i]!;
      const text = batch.text?.[i] ?? null;
      let q = batch.quality[i]!;
      // Mirrors the appender: a non-finite number is stored as NULL with bad quality.
      if (text === null && !Number.isFinite(v) && q >= 64) q = 0;
      this.set(k, ts, Number.isFinite(v) ? v : Number.NaN, q, text);
    }
  }

  get(k: number): LatestEntry | undefined {
    if (k < 0 || k >= this.#ts.length || this.#ts[k] === Number.NEGATIVE_INFINITY) return undefined;
    return { ts: this.#ts[k]!, value: this.#v[k]!, text: this.#text.get(k) ?? null, quality: this.#q[k]! };
  }

  *keys(): Iterable<number> {
    for (let k = 0; k < this.#ts.length; k++) if (this.#ts[k] !== Number.NEGATIVE_INFINITY) yield k;
  }

  #grow(k: number): void {
    const n = Math.max(this.#ts.length * 2, k + 1);
    const ts = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    ts.set(this.#ts);
    const v = new Float64Array(n);
    v.set(this.#v);
    const q = new Uint8Array(n);
    q.set(this.#q);
    this.#ts = ts;
    this.#v = v;
    this.#q = q;
  }
}
