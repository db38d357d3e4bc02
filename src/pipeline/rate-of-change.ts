import { Quality, isGood, worseQuality, type Processor, type SampleBatch } from '../core/index.js';
import { compactBatch, withColumns } from './batch-columns.js';
import type { ProcessorContext, ProcessorFactory } from './processor-context.js';
import { growColumn } from './tag-bindings.js';

const NONE = 0, FLAG = 1, DROP = 2;

/**
 * Flags (UncertainSubNormal) or drops a sample whose slope from the tag's last
 * plausible sample exceeds `maxPerSecond`. The reference is the last sample
 * that passed unflagged, so a single spike is caught once (not again on its way
 * back) and a genuine step heals as time passes and the slope falls.
 * Out-of-order samples (Δt ≤ 0), text and NaN values are not judged.
 */
export function createRateOfChange(ctx: ProcessorContext): Processor {
  const { stats, bindings } = ctx;
  let maxPerMs = new Float64Array(0);
  let action = new Uint8Array(0);
  let lastTs = new Float64Array(0);
  let lastValue = new Float64Array(0);
  let known = 0;

  const ensure = (t: number): void => {
    maxPerMs = growColumn(maxPerMs, t, Number.POSITIVE_INFINITY);
    action = growColumn(action, t, NONE);
    lastTs = growColumn(lastTs, t, Number.NaN);
    lastValue = growColumn(lastValue, t, Number.NaN);
    const end = Math.min(action.length, bindings.tags.size);
    for (let i = known; i < end; i++) {
      const r = bindings.at(i)?.rateOfChange;
      if (!r) continue;
      maxPerMs[i] = r.maxPerSecond / 1000;
      action[i] = r.action === 'drop' ? DROP : FLAG;
    }
    known = end;
  };
  ensure(Math.max(0, bindings.tags.size - 1));

  return {
    name: 'rate-of-change',
    process(batch: SampleBatch): SampleBatch {
      const n = batch.length;
      stats.in += n;
      const tags = batch.tag, ts = batch.ts, value = batch.value, q = batch.quality;
      let quality: Uint8Array | null = null;
      let keep: Uint8Array | null = null;
      let flagged = 0, dropped = 0;
      for (let i = 0; i < n; i++) {
        const t = tags[i]!;
        if (t >= known) ensure(t);
        const a = action[t]!;
        if (a === NONE) continue;
        const v = value[i]!;
        if (v !== v || !isGood(q[i]!)) continue;
        const s = ts[i]!;
        const dt = s - lastTs[t]!;
        if (!(dt > 0)) {
          // First sample of the tag (NaN) starts the reference; out-of-order ones are not judged.
          if (dt !== dt) { lastTs[t] = s; lastValue[t] = v; }
          continue;
        }
        if (Math.abs(v - lastValue[t]!) <= maxPerMs[t]! * dt) {
          lastTs[t] = s;
          lastValue[t] = v;
          continue;
        }
        if (a === DROP) {
          if (keep === null) keep = new Uint8Array(n).fill(1);
          keep[i] = 0;
          dropped++;
        } else {
          if (quality === null) quality = q.slice();
          quality[i] = worseQuality(quality[i]!, Quality.UncertainSubNormal);
          flagged++;
        }
      }
      stats.flag('rate_of_change', flagged);
      stats.drop('rate_of_change', dropped);
      let out = quality ? withColumns(batch, { quality }) : batch;
      if (keep) out = compactBatch(out, keep, n - dropped);
      stats.out += out.length;
      return out;
    },
  };
}

export const rateOfChangeFactory: ProcessorFactory = (_spec, ctx) => createRateOfChange(ctx);
