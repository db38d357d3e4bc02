import type { WireSample } from '../api/types.js';

const KEEP_MS = 30 * 60_000;
const MAX_POINTS = 20_000;

/** Recent numeric values of one tag, oldest first. */
export interface TagHistory {
  t: number[];
  v: number[];
}

interface Listener {
  tags: ReadonlySet<string> | null;
  fn: () => void;
}

/**
 * The newest value of every watched tag and its recent history (for
 * sparklines and the live trend). Listeners hear about changes at most once
 * per animation frame, however many samples arrived.
 */
export class LiveValues {
  #latest = new Map<string, WireSample>();
  #history = new Map<string, TagHistory>();
  #changed = new Set<string>();
  #listeners = new Set<Listener>();
  #frame: number | null = null;
  #firstLive = false;

  /** Takes samples from the stream (`live`) or a snapshot; older values than the one held are kept out of `latest`. */
  apply(samples: readonly WireSample[], live: boolean): void {
    for (const s of samples) {
      const held = this.#latest.get(s.tag);
      if (!held || s.ts >= held.ts) this.#latest.set(s.tag, s);
      if (typeof s.value === 'number' || typeof s.value === 'boolean') this.#append(s.tag, s.ts, Number(s.value));
      this.#changed.add(s.tag);
    }
    if (live && samples.length > 0 && !this.#firstLive) {
      this.#firstLive = true;
      performance.mark('fabrik:first-live-sample');
    }
    this.#schedule();
  }

  latest(tag: string): WireSample | undefined {
    return this.#latest.get(tag);
  }

  history(tag: string): TagHistory {
    return this.#history.get(tag) ?? { t: [], v: [] };
  }

  /** Fills the history of a tag from stored data (e.g. the last minutes from SQL), merged in time order with what is there. */
  seed(tag: string, t: readonly number[], v: readonly number[]): void {
    const h = this.#history.get(tag) ?? { t: [], v: [] };
    const merged = new Map<number, number>();
    for (let i = 0; i < t.length; i++) merged.set(t[i]!, v[i]!);
    for (let i = 0; i < h.t.length; i++) merged.set(h.t[i]!, h.v[i]!);
    const keys = [...merged.keys()].sort((a, b) => a - b);
    this.#history.set(tag, { t: keys, v: keys.map((k) => merged.get(k)!) });
    this.#changed.add(tag);
    this.#schedule();
  }

  /** Calls `fn` once per frame in which any of `tags` (all tags when null) changed. */
  subscribe(tags: readonly string[] | null, fn: () => void): () => void {
    const listener: Listener = { tags: tags ? new Set(tags) : null, fn };
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  clear(): void {
    this.#latest.clear();
    this.#history.clear();
  }

  #append(tag: string, ts: number, value: number): void {
    let h = this.#history.get(tag);
    if (!h) {
      h = { t: [], v: [] };
      this.#history.set(tag, h);
    }
    const last = h.t.at(-1);
    if (last !== undefined && ts <= last) {
      if (ts === last) h.v[h.v.length - 1] = value;
      return;
    }
    h.t.push(ts);
    h.v.push(value);
    const cutoff = ts - KEEP_MS;
    let drop = 0;
    while (drop < h.t.length && (h.t[drop]! < cutoff || h.t.length - drop > MAX_POINTS)) drop++;
    if (drop > 256 || (drop > 0 && h.t.length > MAX_POINTS)) {
      h.t.splice(0, drop);
      h.v.splice(0, drop);
    }
  }

  #schedule(): void {
    if (this.#frame !== null) return;
    const flush = (): void => {
      this.#frame = null;
      const changed = this.#changed;
      this.#changed = new Set();
      for (const l of [...this.#listeners]) {
        if (!l.tags || [...changed].some((t) => l.tags!.has(t))) l.fn();
      }
    };
    // A hidden tab gets no animation frames; a timer keeps the values current for when it is shown.
    this.#frame = document.hidden ? window.setTimeout(flush, 250) : requestAnimationFrame(flush);
  }
}

export const liveValues = new LiveValues();
