import { SampleBatchBuilder, type Processor, type SampleBatch } from '../core/index.js';
import { isText } from './batch-columns.js';
import type { ProcessorContext, ProcessorFactory, TimedProcessor } from './processor-context.js';
import { growColumn } from './tag-bindings.js';

/**
 * Swinging-door trending compression (Bristol 1990), per tag. From the last
 * archived point A the door has two pivots, A ± deviation; each new point
 * narrows the corridor of slopes [up, low] that stay within the deviation of
 * every point seen since A. When a point leaves it empty (up > low) the door
 * closes: the previous point (held) is archived and becomes the new A.
 * The held point is also archived on a quality change (then the new point too),
 * when a point arrives `maxInterval` after A, and on `tick` once `maxInterval`
 * has passed. A run of NaN values with the same (bad) quality keeps only its
 * first and last sample. Text and out-of-order samples pass untouched.
 */
export function createSwingingDoor(ctx: ProcessorContext): TimedProcessor {
  const { stats, bindings } = ctx;
  const f64 = (): Float64Array => new Float64Array(0);
  let deviation = f64(), maxInterval = f64();
  let aTs = f64(), aValue = f64(), aQuality = new Uint8Array(0);
  let hTs = f64(), hValue = f64(), hArrival = f64(), hQuality = new Uint8Array(0);
  let up = f64(), low = f64();
  let known = 0;

  const ensure = (t: number): void => {
    deviation = growColumn(deviation, t, Number.NaN);
    maxInterval = growColumn(maxInterval, t, Number.POSITIVE_INFINITY);
    aTs = growColumn(aTs, t, Number.NaN);
    aValue = growColumn(aValue, t, Number.NaN);
    aQuality = growColumn(aQuality, t, 0);
    hTs = growColumn(hTs, t, Number.NaN);
    hValue = growColumn(hValue, t, Number.NaN);
    hArrival = growColumn(hArrival, t, Number.NaN);
    hQuality = growColumn(hQuality, t, 0);
    up = growColumn(up, t, Number.NEGATIVE_INFINITY);
    low = growColumn(low, t, Number.POSITIVE_INFINITY);
    const end = Math.min(deviation.length, bindings.tags.size);
    for (let i = known; i < end; i++) {
      const sd = bindings.at(i)?.swingingDoor;
      if (!sd) continue;
      deviation[i] = sd.deviation;
      maxInterval[i] = sd.maxInterval ?? Number.POSITIVE_INFINITY;
    }
    known = end;
  };
  ensure(Math.max(0, bindings.tags.size - 1));

  /** Archives the held point of tag t: emits it and makes it the door's pivot. */
  const archiveHeld = (out: SampleBatchBuilder, t: number): void => {
    out.push(t, hTs[t]!, hValue[t]!, hQuality[t]!, hArrival[t]!);
    aTs[t] = hTs[t]!; aValue[t] = hValue[t]!; aQuality[t] = hQuality[t]!;
    hTs[t] = Number.NaN;
    up[t] = Number.NEGATIVE_INFINITY;
    low[t] = Number.POSITIVE_INFINITY;
  };
  // A held point replaced before it was archived is the compression: count it dropped.
  let discarded = 0;
  const hold = (t: number, s: number, v: number, q: number, arrival: number): void => {
    if (hTs[t]! === hTs[t]!) discarded++;
    hTs[t] = s; hValue[t] = v; hQuality[t] = q; hArrival[t] = arrival;
  };

  return {
    name: 'swinging-door',
    process(batch: SampleBatch): SampleBatch {
      const n = batch.length;
      stats.in += n;
      const tags = batch.tag, ts = batch.ts, value = batch.value, quality = batch.quality;
      const out = new SampleBatchBuilder(n);
      let outOfOrder = 0, archived = 0;
      for (let i = 0; i < n; i++) {
        const t = tags[i]!;
        if (t >= known) ensure(t);
        const e = deviation[t]!;
        if (e !== e || isText(batch, i)) { out.pushFrom(batch, i); continue; }
        const s = ts[i]!, v = value[i]!, q = quality[i]!, arrival = batch.arrival[i]!;
        const a = aTs[t]!;
        if (a !== a) { out.pushFrom(batch, i); aTs[t] = s; aValue[t] = v; aQuality[t] = q; archived++; continue; }
        const held = hTs[t]! === hTs[t]!;
        if (s <= (held ? hTs[t]! : a)) { out.pushFrom(batch, i); outOfOrder++; continue; }
        const prevQ = held ? hQuality[t]! : aQuality[t]!;
        const prevV = held ? hValue[t]! : aValue[t]!;
        if (q !== prevQ || v !== v || prevV !== prevV) {
          if (v !== v && prevV !== prevV && q === prevQ) { hold(t, s, v, q, arrival); continue; }
          if (held) { archiveHeld(out, t); archived++; }
          out.pushFrom(batch, i);
          aTs[t] = s; aValue[t] = v; aQuality[t] = q;
          archived++;
          continue;
        }
        if (held && s - a >= maxInterval[t]!) { archiveHeld(out, t); archived++; }
        else if (held) {
          const dt = s - a, av = aValue[t]!;
          const nu = Math.max(up[t]!, (v - av - e) / dt);
          const nl = Math.min(low[t]!, (v - av + e) / dt);
          if (nu <= nl) { up[t] = nu; low[t] = nl; hold(t, s, v, q, arrival); continue; }
          archiveHeld(out, t);
          archived++;
        }
        // The door (re)starts at the archived point with this one as its first.
        const dt = s - aTs[t]!, av = aValue[t]!;
        up[t] = (v - av - e) / dt;
        low[t] = (v - av + e) / dt;
        hold(t, s, v, q, arrival);
      }
      stats.observe('archived', archived);
      stats.observe('out_of_order', outOfOrder);
      const result = out.build();
      stats.drop('compressed', discarded);
      discarded = 0;
      stats.out += result.length;
      return result;
    },

    tick(now: number): SampleBatch | null {
      let out: SampleBatchBuilder | null = null;
      for (let t = 0; t < known; t++) {
        if (hTs[t]! !== hTs[t]! || !(now - aTs[t]! >= maxInterval[t]!)) continue;
        out ??= new SampleBatchBuilder(16);
        archiveHeld(out, t);
      }
      if (!out) return null;
      stats.observe('archived', out.length);
      stats.out += out.length;
      return out.build();
    },
  };
}

export const swingingDoorFactory: ProcessorFactory = (_spec, ctx) => createSwingingDoor(ctx);
