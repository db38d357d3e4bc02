import { Quality, worseQuality, type Processor, type SampleBatch } from '../core/index.js';
import { compactBatch, withColumns } from './batch-columns.js';
import type { ProcessorContext, ProcessorFactory } from './processor-context.js';
import { growColumn } from './tag-bindings.js';

const ACTION = { accept: 0, flag: 1, drop: 2 } as const;

/**
 * Per tag, remembers the newest timestamp and the last accepted one. A sample
 * more than `lateData.maxLateness` behind the newest is accepted, flagged
 * Uncertain or dropped per `lateData.action`; a sample with the same tag and
 * timestamp as the last accepted one is a re-delivery (reconnect, Sparkplug
 * rebirth) and is dropped. Out-of-order samples within the tolerance pass.
 */
export function createLateData(ctx: ProcessorContext): Processor {
  const { stats } = ctx;
  const maxLateness = ctx.pipeline.lateData.maxLateness;
  const action = ACTION[ctx.pipeline.lateData.action];
  let newest = new Float64Array(0);
  let lastAccepted = new Float64Array(0);

  return {
    name: 'late-data',
    process(batch: SampleBatch): SampleBatch {
      const n = batch.length;
      stats.in += n;
      if (n === 0) return batch;
      const tags = batch.tag, ts = batch.ts;
      let keep: Uint8Array | null = null;
      let quality: Uint8Array | null = null;
      let dup = 0, late = 0, outOfOrder = 0;
      for (let i = 0; i < n; i++) {
        const t = tags[i]!;
        if (t >= newest.length) {
          newest = growColumn(newest, t, Number.NEGATIVE_INFINITY);
          lastAccepted = growColumn(lastAccepted, t, Number.NaN);
        }
        const s = ts[i]!;
        if (s === lastAccepted[t]) {
          dup++;
          if (keep === null) keep = new Uint8Array(n).fill(1);
          keep[i] = 0;
          continue;
        }
        const top = newest[t]!;
        if (s < top - maxLateness) {
          late++;
          if (action === ACTION.drop) {
            if (keep === null) keep = new Uint8Array(n).fill(1);
            keep[i] = 0;
            continue;
          }
          if (action === ACTION.flag) {
            if (quality === null) quality = batch.quality.slice();
            quality[i] = worseQuality(quality[i]!, Quality.Uncertain);
          }
        } else if (s < top) {
          outOfOrder++;
        }
        if (s > top) newest[t] = s;
        lastAccepted[t] = s;
      }
      stats.drop('duplicate', dup);
      if (action === ACTION.drop) stats.drop('late', late);
      else if (action === ACTION.flag) stats.flag('late', late);
      else stats.observe('late', late);
      stats.observe('out_of_order', outOfOrder);
      let out = quality ? withColumns(batch, { quality }) : batch;
      if (keep) out = compactBatch(out, keep, n - dup - (action === ACTION.drop ? late : 0));
      stats.out += out.length;
      return out;
    },
  };
}

export const lateDataFactory: ProcessorFactory = (_spec, ctx) => createLateData(ctx);
