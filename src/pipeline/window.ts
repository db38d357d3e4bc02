import {
  SampleBatchBuilder, formatDuration, qualityLevel, worseQuality,
  type Processor, type SampleBatch, type TagDefinition,
} from '../core/index.js';
import type { ProcessorConfig } from '../config/index.js';
import { isText } from './batch-columns.js';
import { PipelineError, PipelineErrorCode } from './errors.js';
import type { ProcessorContext, ProcessorFactory, TimedProcessor } from './processor-context.js';
import { growColumn } from './tag-bindings.js';

type WindowSpec = Extract<ProcessorConfig, { type: 'window' }>;
export type WindowFunction = WindowSpec['functions'][number];

/** `source` of the tags this stage defines; they never match a window's globs, so windows do not feed on themselves. */
export const WINDOW_SOURCE = 'window';

/** "line1.*.vibration" → RegExp: `*` is one id segment (no "."), `**` any run, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') { re += '.*'; i++; }
    else if (c === '*') re += '[^.]*';
    else if (c === '?') re += '[^.]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Tumbling windows aligned to the epoch (UTC) for the tags matching `tags`,
 * emitting one derived tag per function, `${tagId}.${fn}_${window}` (e.g.
 * `line1.filler.vibration.avg_1s`), stamped with the window start and the
 * worst quality of the samples in it. Bad or NaN samples are left out; a window
 * with none usable emits nothing. A window closes when a later sample of its
 * tag arrives (watermark) or on `tick(now)` once `now` ≥ end + one window of
 * grace for transport delay. A sample for a window already closed is late: it
 * is counted (`observed.late`) and not aggregated. The raw samples of matching
 * tags pass on only with `keepRaw`; text samples always pass.
 */
export function createWindow(spec: WindowSpec, ctx: ProcessorContext): TimedProcessor {
  const { stats, tags: registry } = ctx;
  const w = spec.window;
  if (!(w > 0)) throw new PipelineError(PipelineErrorCode.InvalidProcessor, `window processor needs a window above 0 ms, got ${w}`);
  const fns = spec.functions;
  const F = fns.length;
  const suffix = formatDuration(w);
  const patterns = spec.tags.map(globToRegExp);
  const f64 = (): Float64Array => new Float64Array(0);
  let match = new Uint8Array(0); // 0 unknown, 1 no, 2 yes
  let start = f64(), floor = f64(), count = f64(), sum = f64(), min = f64(), max = f64();
  let firstTs = f64(), firstV = f64(), lastTs = f64(), lastV = f64();
  let worst = new Uint8Array(0);
  let derived = new Int32Array(0);
  let cap = 0;

  const ensure = (t: number): void => {
    match = growColumn(match, t, 0);
    start = growColumn(start, t, Number.NaN);
    floor = growColumn(floor, t, Number.NEGATIVE_INFINITY);
    count = growColumn(count, t, 0); sum = growColumn(sum, t, 0);
    min = growColumn(min, t, 0); max = growColumn(max, t, 0);
    firstTs = growColumn(firstTs, t, 0); firstV = growColumn(firstV, t, 0);
    lastTs = growColumn(lastTs, t, 0); lastV = growColumn(lastV, t, 0);
    worst = growColumn(worst, t, 0);
    derived = growColumn(derived, (t + 1) * F - 1, -1);
    cap = match.length;
  };
  const matches = (t: number): boolean => {
    if (match[t] === 0) {
      const def = registry.get(t);
      if (!def) return false; // maybe defined later: ask again then
      match[t] = def.source !== WINDOW_SOURCE && patterns.some((p) => p.test(def.id)) ? 2 : 1;
    }
    return match[t] === 2;
  };
  const derivedIndex = (t: number, k: number): number => {
    const at = t * F + k;
    let idx = derived[at]!;
    if (idx < 0) {
      const src = registry.get(t)!;
      const fn = fns[k]!;
      const def: TagDefinition = {
        id: `${src.id}.${fn}_${suffix}`,
        assetPath: src.assetPath,
        point: `${src.point}.${fn}_${suffix}`,
        dataType: fn === 'count' ? 'integer' : 'number',
        unit: fn === 'count' ? '' : src.unit,
        description: `${fn} of ${src.id} per ${suffix} window`,
        retentionClass: src.retentionClass,
        source: WINDOW_SOURCE,
        writable: false,
      };
      idx = registry.define(def);
      derived[at] = idx;
    }
    return idx;
  };
  const valueOf = (t: number, fn: WindowFunction): number => {
    switch (fn) {
      case 'min': return min[t]!;
      case 'max': return max[t]!;
      case 'avg': return sum[t]! / count[t]!;
      case 'count': return count[t]!;
      case 'first': return firstV[t]!;
      case 'last': return lastV[t]!;
    }
  };
  const close = (out: SampleBatchBuilder, t: number, arrival: number): void => {
    const s = start[t]!;
    if (count[t]! > 0) {
      for (let k = 0; k < F; k++) out.push(derivedIndex(t, k), s, valueOf(t, fns[k]!), worst[t]!, arrival);
      stats.observe('windows', 1);
    }
    floor[t] = s + w;
    start[t] = Number.NaN;
  };

  /** Adds sample i (of a matching tag) to its window; false when its window has closed already. */
  const add = (out: SampleBatchBuilder, batch: SampleBatch, i: number, t: number): boolean => {
    const s = batch.ts[i]!;
    if (s < floor[t]!) return false;
    const ws = Math.floor(s / w) * w;
    if (ws > start[t]!) close(out, t, batch.arrival[i]!);
    if (start[t]! !== ws) {
      start[t] = ws; floor[t] = ws; count[t] = 0; sum[t] = 0;
      firstTs[t] = Number.POSITIVE_INFINITY; lastTs[t] = Number.NEGATIVE_INFINITY;
    }
    const v = batch.value[i]!, q = batch.quality[i]!;
    if (v !== v || qualityLevel(q) === 'bad') return true;
    const c = count[t]!;
    if (c === 0) { min[t] = v; max[t] = v; worst[t] = q; }
    else { if (v < min[t]!) min[t] = v; if (v > max[t]!) max[t] = v; worst[t] = worseQuality(worst[t]!, q); }
    count[t] = c + 1;
    sum[t] = sum[t]! + v;
    // first/last by source time, so out-of-order samples inside the window land right.
    if (s < firstTs[t]!) { firstTs[t] = s; firstV[t] = v; }
    if (s >= lastTs[t]!) { lastTs[t] = s; lastV[t] = v; }
    return true;
  };

  return {
    name: 'window',
    process(batch: SampleBatch): SampleBatch {
      const n = batch.length;
      stats.in += n;
      const out = new SampleBatchBuilder(n);
      let late = 0;
      for (let i = 0; i < n; i++) {
        const t = batch.tag[i]!;
        if (t >= cap) ensure(t);
        if (!matches(t) || isText(batch, i)) { out.pushFrom(batch, i); continue; }
        if (!add(out, batch, i, t)) late++;
        // After the aggregates it closed, which are older (stamped with their window start).
        if (spec.keepRaw) out.pushFrom(batch, i);
      }
      stats.observe('late', late);
      const result = out.build();
      stats.out += result.length;
      return result;
    },

    tick(now: number): SampleBatch | null {
      let out: SampleBatchBuilder | null = null;
      for (let t = 0; t < cap; t++) {
        const s = start[t]!;
        if (!(s + 2 * w <= now)) continue;
        out ??= new SampleBatchBuilder(16);
        close(out, t, now);
      }
      if (!out || out.length === 0) return null;
      stats.out += out.length;
      return out.build();
    },
  };
}

export const windowFactory: ProcessorFactory = (spec, ctx) => {
  if (spec.type !== 'window') throw new PipelineError(PipelineErrorCode.InvalidProcessor, `window factory got a "${spec.type}" spec`);
  return createWindow(spec, ctx);
};
