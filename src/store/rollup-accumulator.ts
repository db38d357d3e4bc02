import { isGood } from '../core/index.js';

const MINUTE = 60_000;
/** Tag keys stay below 2^22 so (minute, key) packs into one exact double. */
const KEY_SPAN = 4_194_304;

/** Mergeable per-tag, per-minute partial aggregate. */
export interface RollupPartial {
  k: number;
  minute: number;
  n: number;
  min: number;
  max: number;
  sum: number;
  first: number;
  firstTs: number;
  last: number;
  lastTs: number;
  good: number;
}

/**
 * Open 1-minute accumulators per tag. A minute is persisted once it closes;
 * samples for an already persisted minute start a fresh partial that is
 * persisted at the next commit, and the `rollups_1m` view merges partials.
 */
export class RollupAccumulator {
  #open = new Map<number, RollupPartial>();
  #lastByKey: (RollupPartial | undefined)[] = [];

  get size(): number {
    return this.#open.size;
  }

  /** Folds in one finite numeric sample (ts in epoch ms). */
  add(k: number, ts: number, v: number, q: number): void {
    const minute = Math.floor(ts / MINUTE);
    let acc = this.#lastByKey[k];
    if (acc === undefined || acc.minute !== minute) {
      const id = minute * KEY_SPAN + k;
      acc = this.#open.get(id);
      if (acc === undefined) {
        acc = { k, minute, n: 0, min: v, max: v, sum: 0, first: v, firstTs: ts, last: v, lastTs: ts, good: 0 };
        this.#open.set(id, acc);
      }
      this.#lastByKey[k] = acc;
    }
    acc.n++;
    acc.sum += v;
    if (v < acc.min) acc.min = v;
    if (v > acc.max) acc.max = v;
    if (ts < acc.firstTs) {
      acc.first = v;
      acc.firstTs = ts;
    }
    if (ts >= acc.lastTs) {
      acc.last = v;
      acc.lastTs = ts;
    }
    if (isGood(q)) acc.good++;
  }

  /** Partials whose minute ends at or before `closeBefore` (epoch ms); still held until `remove`. */
  closable(closeBefore: number): RollupPartial[] {
    const out: RollupPartial[] = [];
    for (const acc of this.#open.values()) if ((acc.minute + 1) * MINUTE <= closeBefore) out.push(acc);
    return out;
  }

  remove(partials: readonly RollupPartial[]): void {
    for (const p of partials) {
      this.#open.delete(p.minute * KEY_SPAN + p.k);
      if (this.#lastByKey[p.k] === p) this.#lastByKey[p.k] = undefined;
    }
  }

  /** Replaces all open state (recovery: recomputed from raw rows). */
  reset(partials: readonly RollupPartial[] = []): void {
    this.#open.clear();
    this.#lastByKey = [];
    for (const p of partials) this.#open.set(p.minute * KEY_SPAN + p.k, p);
  }
}

export { MINUTE, KEY_SPAN };
