/**
 * Samples travel in columnar batches: one typed array per field, so a hot path
 * touches no per-sample objects. Index i across all columns is one sample.
 */
export interface SampleBatch {
  readonly length: number;
  /** Tag index in the node's TagRegistry (not the tag's string id). */
  readonly tag: Uint32Array;
  /** Source timestamp, epoch milliseconds (fraction = sub-millisecond). */
  readonly ts: Float64Array;
  /** When Fabrik received the sample, epoch milliseconds. */
  readonly arrival: Float64Array;
  /** Numeric value; booleans are 0/1; NaN where the value is text. */
  readonly value: Float64Array;
  /** OPC DA quality byte, see `Quality`. */
  readonly quality: Uint8Array;
  /** Text values by index, or null when the batch carries none. */
  readonly text: (string | null)[] | null;
}

/** One sample as an object: for edges (API, tests), never for hot paths. */
export interface Sample {
  tag: number;
  ts: number;
  value: number | boolean | string;
  quality: number;
  arrival?: number;
}

export const EMPTY_BATCH: SampleBatch = Object.freeze({
  length: 0,
  tag: new Uint32Array(0),
  ts: new Float64Array(0),
  arrival: new Float64Array(0),
  value: new Float64Array(0),
  quality: new Uint8Array(0),
  text: null,
});

/** Grows columns geometrically; `build()` returns exact-length views. */
export class SampleBatchBuilder {
  #len = 0;
  #tag: Uint32Array;
  #ts: Float64Array;
  #arrival: Float64Array;
  #value: Float64Array;
  #quality: Uint8Array;
  #text: (string | null)[] | null = null;

  constructor(capacity = 1024) {
    const cap = Math.max(1, capacity);
    this.#tag = new Uint32Array(cap);
    this.#ts = new Float64Array(cap);
    this.#arrival = new Float64Array(cap);
    this.#value = new Float64Array(cap);
    this.#quality = new Uint8Array(cap);
  }

  get length(): number {
    return this.#len;
  }

  push(tag: number, ts: number, value: number, quality: number, arrival: number = ts): void {
    if (this.#len === this.#tag.length) this.#grow();
    const i = this.#len++;
    this.#tag[i] = tag;
    this.#ts[i] = ts;
    this.#arrival[i] = arrival;
    this.#value[i] = value;
    this.#quality[i] = quality;
    if (this.#text) this.#text.push(null);
  }

  pushText(tag: number, ts: number, text: string, quality: number, arrival: number = ts): void {
    if (!this.#text) this.#text = new Array<string | null>(this.#len).fill(null);
    this.push(tag, ts, Number.NaN, quality, arrival);
    this.#text[this.#len - 1] = text;
  }

  /** Appends sample i of another batch. */
  pushFrom(batch: SampleBatch, i: number): void {
    const text = batch.text?.[i];
    if (text != null) {
      this.pushText(batch.tag[i]!, batch.ts[i]!, text, batch.quality[i]!, batch.arrival[i]!);
    } else {
      this.push(batch.tag[i]!, batch.ts[i]!, batch.value[i]!, batch.quality[i]!, batch.arrival[i]!);
    }
  }

  pushSample(s: Sample): void {
    const arrival = s.arrival ?? s.ts;
    if (typeof s.value === 'string') this.pushText(s.tag, s.ts, s.value, s.quality, arrival);
    else this.push(s.tag, s.ts, typeof s.value === 'boolean' ? Number(s.value) : s.value, s.quality, arrival);
  }

  build(): SampleBatch {
    const n = this.#len;
    const batch: SampleBatch = {
      length: n,
      tag: this.#tag.slice(0, n),
      ts: this.#ts.slice(0, n),
      arrival: this.#arrival.slice(0, n),
      value: this.#value.slice(0, n),
      quality: this.#quality.slice(0, n),
      text: this.#text ? this.#text.slice(0, n) : null,
    };
    return batch;
  }

  clear(): void {
    this.#len = 0;
    this.#text = null;
  }

  #grow(): void {
    const cap = this.#tag.length * 2;
    const grow = <T extends Uint32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.#tag = grow(this.#tag, (n) => new Uint32Array(n));
    this.#ts = grow(this.#ts, (n) => new Float64Array(n));
    this.#arrival = grow(this.#arrival, (n) => new Float64Array(n));
    this.#value = grow(this.#value, (n) => new Float64Array(n));
    this.#quality = grow(this.#quality, (n) => new Uint8Array(n));
  }
}

/** A batch with only the samples whose `keep[i]` is non-zero. */
export function filterBatch(batch: SampleBatch, keep: Uint8Array): SampleBatch {
  let n = 0;
  for (let i = 0; i < batch.length; i++) if (keep[i]) n++;
  if (n === batch.length) return batch;
  const out = new SampleBatchBuilder(n);
  for (let i = 0; i < batch.length; i++) if (keep[i]) out.pushFrom(batch, i);
  return out.build();
}

/** Concatenates batches in order. */
export function concatBatches(batches: readonly SampleBatch[]): SampleBatch {
  const nonEmpty = batches.filter((b) => b.length > 0);
  if (nonEmpty.length === 0) return EMPTY_BATCH;
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const n = nonEmpty.reduce((s, b) => s + b.length, 0);
  const tag = new Uint32Array(n);
  const ts = new Float64Array(n);
  const arrival = new Float64Array(n);
  const value = new Float64Array(n);
  const quality = new Uint8Array(n);
  const anyText = nonEmpty.some((b) => b.text);
  const text: (string | null)[] | null = anyText ? [] : null;
  let off = 0;
  for (const b of nonEmpty) {
    tag.set(b.tag, off);
    ts.set(b.ts, off);
    arrival.set(b.arrival, off);
    value.set(b.value, off);
    quality.set(b.quality, off);
    if (text) for (let i = 0; i < b.length; i++) text.push(b.text?.[i] ?? null);
    off += b.length;
  }
  return { length: n, tag, ts, arrival, value, quality, text };
}

/** Sample i as an object (API edges and tests). */
export function sampleAt(batch: SampleBatch, i: number): Sample {
  const text = batch.text?.[i];
  return {
    tag: batch.tag[i]!,
    ts: batch.ts[i]!,
    value: text ?? batch.value[i]!,
    quality: batch.quality[i]!,
    arrival: batch.arrival[i]!,
  };
}

export function batchFromSamples(samples: readonly Sample[]): SampleBatch {
  const b = new SampleBatchBuilder(samples.length);
  for (const s of samples) b.pushSample(s);
  return b.build();
}
