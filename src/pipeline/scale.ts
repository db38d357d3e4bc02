import type { Processor, SampleBatch } from '../core/index.js';
import { withColumns } from './batch-columns.js';
import type { ProcessorContext, ProcessorFactory } from './processor-context.js';
import { growColumn } from './tag-bindings.js';

/**
 * Raw → engineering units per tag: `value × factor + offset`, or the linear
 * map of [rawLow, rawHigh] onto [euLow, euHigh] (not clamped; `range` does that).
 * Text samples and tags without `scale` pass untouched.
 */
export function createScale(ctx: ProcessorContext): Processor {
  const { stats, bindings } = ctx;
  let factor = new Float64Array(0);
  let offset = new Float64Array(0);
  let scaled = new Uint8Array(0);
  let known = 0;

  // Filled lazily so tags defined after the pipeline still get their binding.
  const ensure = (t: number): void => {
    factor = growColumn(factor, t, 1);
    offset = growColumn(offset, t, 0);
    scaled = growColumn(scaled, t, 0);
    const end = Math.min(factor.length, bindings.tags.size);
    for (let i = known; i < end; i++) {
      const s = bindings.at(i)?.scale;
      if (!s) continue;
      if ('rawLow' in s) {
        const f = (s.euHigh - s.euLow) / (s.rawHigh - s.rawLow);
        factor[i] = f;
        offset[i] = s.euLow - s.rawLow * f;
      } else {
        factor[i] = s.factor;
        offset[i] = s.offset;
      }
      scaled[i] = 1;
    }
    known = end;
  };
  ensure(Math.max(0, bindings.tags.size - 1));

  return {
    name: 'scale',
    process(batch: SampleBatch): SampleBatch {
      const n = batch.length;
      stats.in += n;
      const tags = batch.tag, src = batch.value;
      let value: Float64Array | null = null;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const t = tags[i]!;
        if (t >= known) ensure(t);
        if (scaled[t] === 0) continue;
        if (value === null) value = src.slice();
        // NaN (text, bad) stays NaN.
        value[i] = src[i]! * factor[t]! + offset[t]!;
        count++;
      }
      stats.observe('scaled', count);
      stats.out += n;
      return value ? withColumns(batch, { value }) : batch;
    },
  };
}

export const scaleFactory: ProcessorFactory = (_spec, ctx) => createScale(ctx);
