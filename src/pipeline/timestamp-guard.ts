import { Quality, isGood, qualityLevel, type Processor, type SampleBatch } from '../core/index.js';
import { compactBatch, withColumns } from './batch-columns.js';
import type { ProcessorContext, ProcessorFactory } from './processor-context.js';

/** 2000-01-01T00:00:00Z: anything earlier is a PLC with an unset clock, not history. */
export const MIN_VALID_TS = Date.UTC(2000, 0, 1);

/**
 * First stage of every pipeline. Rejects samples whose timestamp is not finite,
 * before 2000 or more than `futureTolerance` ahead of the node clock. A numeric
 * sample whose value is NaN or ±Infinity is kept (the gap is information) with
 * value NaN — which the store writes as NULL — and quality BadSensorFailure,
 * unless the source already marked it bad (its own bad code says more).
 */
export function createTimestampGuard(ctx: ProcessorContext): Processor {
  const { stats, now } = ctx;
  const tolerance = ctx.pipeline.futureTolerance;
  return {
    name: 'timestamp-guard',
    process(batch: SampleBatch): SampleBatch {
      const n = batch.length;
      stats.in += n;
      if (n === 0) return batch;
      const latest = now() + tolerance;
      const ts = batch.ts;
      const value = batch.value;
      const text = batch.text;
      let keep: Uint8Array | null = null;
      let quality: Uint8Array | null = null;
      let values: Float64Array | null = null;
      let badTs = 0, early = 0, future = 0, nonFinite = 0;
      for (let i = 0; i < n; i++) {
        const t = ts[i]!;
        // `t - t === 0` is false only for NaN and ±Infinity, cheaper than Number.isFinite.
        const reject = t - t !== 0 ? ++badTs : t < MIN_VALID_TS ? ++early : t > latest ? ++future : 0;
        if (reject !== 0) {
          if (keep === null) keep = new Uint8Array(n).fill(1);
          keep[i] = 0;
          continue;
        }
        const v = value[i]!;
        if (v - v !== 0 && (text === null || text[i] == null)) {
          nonFinite++;
          if (values === null) values = value.slice();
          values[i] = Number.NaN;
          const q = batch.quality[i]!;
          if (isGood(q) || qualityLevel(q) === 'uncertain') {
            if (quality === null) quality = batch.quality.slice();
            quality[i] = Quality.BadSensorFailure;
          }
        }
      }
      stats.drop('invalid_ts', badTs);
      stats.drop('before_2000', early);
      stats.drop('future', future);
      stats.flag('non_finite_value', nonFinite);
      let out = values || quality ? withColumns(batch, { value: values ?? undefined, quality: quality ?? undefined }) : batch;
      if (keep) out = compactBatch(out, keep, n - badTs - early - future);
      stats.out += out.length;
      return out;
    },
  };
}

export const timestampGuardFactory: ProcessorFactory = (_spec, ctx) => createTimestampGuard(ctx);
