import { SampleBatchBuilder, type Processor, type SampleBatch } from '../core/index.js';
import { compactBatch, isText } from './batch-columns.js';
import type { ProcessorContext, ProcessorFactory, TimedProcessor } from './processor-context.js';
import { growColumn } from './tag-bindings.js';

/**
 * Report by exception. A numeric sample passes when it differs from the tag's
 * last reported value by more than the deadband, when its quality differs,
 * when it is the tag's first, or when `maxInterval` has passed since the last
 * report. With both `absolute` and `percent` the larger band applies; percent
 * is of the engineering span (binding or tag low/high), else of the last
 * reported value. `tick(now)` is the heartbeat: for a tag silent for
 * `maxInterval` it emits the newest suppressed sample, or — when none arrived —
 * the last reported value and quality again, stamped `now`.
 * Text samples and out-of-order samples pass without touching the state.
 */
export function createDeadband(ctx: ProcessorContext): TimedProcessor {
  const { stats, bindings } = ctx;
  const f64 = (): Float64Array => new Float64Array(0);
  let enabled = new Uint8Array(0);
  let fixedBand = f64(), valuePct = f64(), maxInterval = f64();
  let repTs = f64(), repValue = f64(), repQuality = new Uint8Array(0);
  let heldTs = f64(), heldValue = f64(), heldArrival = f64(), heldQuality = new Uint8Array(0);
  let known = 0;

  const ensure = (t: number): void => {
    enabled = growColumn(enabled, t, 0);
    fixedBand = growColumn(fixedBand, t, 0);
    valuePct = growColumn(valuePct, t, 0);
    maxInterval = growColumn(maxInterval, t, Number.POSITIVE_INFINITY);
    repTs = growColumn(repTs, t, Number.NaN);
    repValue = growColumn(repValue, t, Number.NaN);
    repQuality = growColumn(repQuality, t, 0);
    heldTs = growColumn(heldTs, t, Number.NaN);
    heldValue = growColumn(heldValue, t, Number.NaN);
    heldArrival = growColumn(heldArrival, t, Number.NaN);
    heldQuality = growColumn(heldQuality, t, 0);
    const end = Math.min(enabled.length, bindings.tags.size);
    for (let i = known; i < end; i++) {
      const d = bindings.at(i)?.deadband;
      if (!d) continue;
      enabled[i] = 1;
      const span = bindings.span(i);
      const pct = (d.percent ?? 0) / 100;
      const spanBand = Number.isFinite(span) ? pct * Math.abs(span) : 0;
      fixedBand[i] = Math.max(d.absolute ?? 0, spanBand);
      valuePct[i] = Number.isFinite(span) ? 0 : pct;
      maxInterval[i] = d.maxInterval ?? Number.POSITIVE_INFINITY;
    }
    known = end;
  };
  ensure(Math.max(0, bindings.tags.size - 1));

  return {
    name: 'deadband',
    process(batch: SampleBatch): SampleBatch {
      const n = batch.length;
      stats.in += n;
      const tags = batch.tag, ts = batch.ts, value = batch.value, quality = batch.quality;
      let keep: Uint8Array | null = null;
      let suppressed = 0, heartbeats = 0, outOfOrder = 0;
      for (let i = 0; i < n; i++) {
        const t = tags[i]!;
        if (t >= known) ensure(t);
        if (enabled[t] === 0 || isText(batch, i)) continue;
        const s = ts[i]!, v = value[i]!, q = quality[i]!;
        const last = repTs[t]!;
        if (s <= last) { outOfOrder++; continue; }
        if (last === last && q === repQuality[t]) {
          const lv = repValue[t]!;
          const d = Math.abs(v - lv);
          const band = Math.max(fixedBand[t]!, valuePct[t]! * Math.abs(lv));
          // NaN → NaN (still bad, same quality) is no change; number ↔ NaN is.
          const changed = d > band || (d !== d && (v === v || lv === lv));
          if (!changed) {
            if (s - last < maxInterval[t]!) {
              if (keep === null) keep = new Uint8Array(n).fill(1);
              keep[i] = 0;
              suppressed++;
              if (!(s <= heldTs[t]!)) {
                heldTs[t] = s; heldValue[t] = v; heldQuality[t] = q; heldArrival[t] = batch.arrival[i]!;
              }
              continue;
            }
            heartbeats++;
          }
        }
        repTs[t] = s; repValue[t] = v; repQuality[t] = q;
        heldTs[t] = Number.NaN;
      }
      stats.drop('deadband', suppressed);
      stats.observe('heartbeat', heartbeats);
      stats.observe('out_of_order', outOfOrder);
      const out = keep ? compactBatch(batch, keep, n - suppressed) : batch;
      stats.out += out.length;
      return out;
    },

    tick(now: number): SampleBatch | null {
      let out: SampleBatchBuilder | null = null;
      for (let t = 0; t < known; t++) {
        const last = repTs[t]!;
        if (enabled[t] === 0 || !(now - last >= maxInterval[t]!)) continue;
        out ??= new SampleBatchBuilder(16);
        const h = heldTs[t]!;
        if (h === h) {
          out.push(t, h, heldValue[t]!, heldQuality[t]!, heldArrival[t]!);
          repTs[t] = h; repValue[t] = heldValue[t]!; repQuality[t] = heldQuality[t]!;
          heldTs[t] = Number.NaN;
        } else {
          out.push(t, now, repValue[t]!, repQuality[t]!, now);
          repTs[t] = now;
        }
      }
      if (!out) return null;
      stats.observe('heartbeat', out.length);
      stats.out += out.length;
      return out.build();
    },
  };
}

export const deadbandFactory: ProcessorFactory = (_spec, ctx) => createDeadband(ctx);
