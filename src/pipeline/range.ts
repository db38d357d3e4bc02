import { Quality, worseQuality, type Processor, type SampleBatch } from '../core/index.js';
import { compactBatch, withColumns } from './batch-columns.js';
import type { ProcessorContext, ProcessorFactory } from './processor-context.js';
import { growColumn } from './tag-bindings.js';

const NONE = 0, FLAG = 1, CLAMP = 2, DROP = 3;
const ACTIONS = { flag: FLAG, clamp: CLAMP, drop: DROP } as const;

/**
 * Valid range per tag. Outside [low, high] a value is flagged
 * UncertainEuExceeded, clamped or dropped. A clamped value is flagged too:
 * it is not what the sensor said, and SPC must be able to leave it out.
 * NaN values (already bad) and text pass.
 */
export function createRange(ctx: ProcessorContext): Processor {
  const { stats, bindings } = ctx;
  let low = new Float64Array(0);
  let high = new Float64Array(0);
  let action = new Uint8Array(0);
  let known = 0;

  const ensure = (t: number): void => {
    low = growColumn(low, t, Number.NEGATIVE_INFINITY);
    high = growColumn(high, t, Number.POSITIVE_INFINITY);
    action = growColumn(action, t, NONE);
    const end = Math.min(action.length, bindings.tags.size);
    for (let i = known; i < end; i++) {
      const r = bindings.at(i)?.range;
      if (!r) continue;
      low[i] = r.low;
      high[i] = r.high;
      action[i] = ACTIONS[r.action];
    }
    known = end;
  };
  ensure(Math.max(0, bindings.tags.size - 1));

  return {
    name: 'range',
    process(batch: SampleBatch): SampleBatch {
      const n = batch.length;
      stats.in += n;
      const tags = batch.tag, src = batch.value;
      let quality: Uint8Array | null = null;
      let value: Float64Array | null = null;
      let keep: Uint8Array | null = null;
      let flagged = 0, clamped = 0, dropped = 0;
      for (let i = 0; i < n; i++) {
        const t = tags[i]!;
        if (t >= known) ensure(t);
        const a = action[t]!;
        if (a === NONE) continue;
        const v = src[i]!;
        const lo = low[t]!, hi = high[t]!;
        if (!(v < lo || v > hi)) continue; // in range, or NaN
        if (a === DROP) {
          if (keep === null) keep = new Uint8Array(n).fill(1);
          keep[i] = 0;
          dropped++;
          continue;
        }
        if (quality === null) quality = batch.quality.slice();
        quality[i] = worseQuality(quality[i]!, Quality.UncertainEuExceeded);
        if (a === CLAMP) {
          if (value === null) value = src.slice();
          value[i] = v < lo ? lo : hi;
          clamped++;
        } else {
          flagged++;
        }
      }
      stats.flag('out_of_range', flagged);
      stats.flag('clamped', clamped);
      stats.drop('out_of_range', dropped);
      let out = quality ? withColumns(batch, { quality, value: value ?? undefined }) : batch;
      if (keep) out = compactBatch(out, keep, n - dropped);
      stats.out += out.length;
      return out;
    },
  };
}

export const rangeFactory: ProcessorFactory = (_spec, ctx) => createRange(ctx);
