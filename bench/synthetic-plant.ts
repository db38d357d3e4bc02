import { SampleBatchBuilder, Quality, type SampleBatch } from '../src/core/index.js';

/**
 * Slowly varying signals like a plant's: one random walk per tag, sampled
 * once a second, rounded to sensor resolution (0.01). Deterministic.
 */
export class SyntheticPlant {
  #values: Float64Array;
  #seed: number;
  #t: number;
  readonly tags: number;

  constructor(tags: number, startMs = Date.UTC(2026, 0, 1), seed = 42) {
    this.tags = tags;
    this.#values = new Float64Array(tags);
    this.#seed = seed;
    this.#t = startMs;
    for (let i = 0; i < tags; i++) this.#values[i] = 20 + (i % 50);
  }

  get time(): number {
    return this.#t;
  }

  #random(): number {
    // mulberry32: cheap, deterministic, good enough for test signals.
    let t = (this.#seed = (this.#seed + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** One batch holding `steps` steps of every tag, `stepMs` apart; `arrival` trails ts by a few ms. */
  next(steps: number, stepMs = 1000, tagIndex: (i: number) => number = (i) => i): SampleBatch {
    const b = new SampleBatchBuilder(this.tags * steps);
    for (let s = 0; s < steps; s++) {
      this.#t += stepMs;
      for (let i = 0; i < this.tags; i++) {
        const v = Math.round((this.#values[i]! + (this.#random() - 0.5) * 0.04) * 100) / 100;
        this.#values[i] = v;
        b.push(tagIndex(i), this.#t, v, Quality.Good, this.#t + 3);
      }
    }
    return b.build();
  }
}
