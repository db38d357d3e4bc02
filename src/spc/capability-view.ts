import { capability, type CapabilityResult } from './capability.js';
import type { Characteristic } from './characteristic-schema.js';
import type { StoredSample } from './live-spc.js';
import { Subgrouper } from './subgrouper.js';

/** A capability study of stored samples (the dashboard's SpcCapability). No field is ever NaN: what cannot be computed is null and a note says why. */
export interface CapabilityView {
  n: number;
  mean: number;
  sigmaWithin: number | null;
  sigmaOverall: number | null;
  cp: number | null;
  cpk: number | null;
  pp: number | null;
  ppk: number | null;
  cpm: number | null;
  cpkCi: { lower: number; upper: number; level: number } | null;
  normality: { test: string; a2: number; p: number; normal: boolean } | null;
  spec: { lsl?: number; usl?: number; target?: number };
  histogram: { bins: { from: number; to: number; count: number }[] };
  notes: string[];
}

const ATTRIBUTE = new Set(['p', 'np', 'c', 'u']);

/**
 * Capability of a variable characteristic over stored samples: complete
 * subgroups (within sigma R̄/d2, or S̄/c4 for X̄-S) or individual values (MR̄/d2),
 * the overall sample sigma, Bissell's 95 % interval for Cpk and the
 * Anderson–Darling test beside the indices.
 */
export function capabilityView(c: Characteristic, samples: readonly StoredSample[]): CapabilityView {
  const spec = { ...c.spec };
  const measured = c.partTag === undefined ? samples : samples.filter((s) => s.tag !== c.partTag);
  const values = measured.map((s) => s.value).filter(Number.isFinite);
  const view: CapabilityView = {
    n: values.length,
    mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0,
    sigmaWithin: null,
    sigmaOverall: null,
    cp: null,
    cpk: null,
    pp: null,
    ppk: null,
    cpm: null,
    cpkCi: null,
    normality: null,
    spec,
    histogram: { bins: histogram(values) },
    notes: [],
  };
  if (ATTRIBUTE.has(c.chart)) {
    view.notes.push('capability indices apply to measured characteristics; for an attribute chart the process capability is its average rate (the centre line)');
    return view;
  }
  if (spec.lsl === undefined && spec.usl === undefined) {
    view.notes.push('no specification limits (spec.lsl / spec.usl) are configured for this characteristic');
    return view;
  }
  let r: CapabilityResult;
  try {
    const n = c.subgroup.size;
    if (n >= 2) {
      const grouper = new Subgrouper({ ...c.subgroup, size: n });
      let partId: string | undefined;
      const groups = samples
        .flatMap((s) => {
          if (c.partTag !== undefined && s.tag === c.partTag) {
            partId = s.text ?? String(s.value);
            return [];
          }
          return grouper.push({ ts: s.ts, value: s.value, ...(partId !== undefined ? { partId } : {}) });
        })
        .filter((g) => g.complete)
        .map((g) => g.values);
      r = capability({ spec, subgroups: groups, withinMethod: c.chart === 'xbar-s' ? 'sbar' : 'rbar' });
    } else {
      r = capability({ spec, values });
    }
  } catch (err) {
    view.notes.push((err as Error).message);
    return view;
  }
  view.n = r.n;
  view.mean = r.mean;
  view.sigmaWithin = r.sigmaWithin;
  view.sigmaOverall = r.sigmaOverall;
  view.cp = finiteOrNull(r.cp);
  view.cpk = finiteOrNull(r.cpk);
  view.pp = finiteOrNull(r.pp);
  view.ppk = finiteOrNull(r.ppk);
  view.cpm = finiteOrNull(r.cpm);
  if (r.cpkInterval) view.cpkCi = { lower: r.cpkInterval.lower, upper: r.cpkInterval.upper, level: r.cpkInterval.confidence };
  const ad = r.normality;
  if (ad.aSquared !== undefined && ad.pValue !== undefined) view.normality = { test: 'anderson-darling', a2: ad.aSquared, p: ad.pValue, normal: ad.pValue >= 0.05 };
  else if (ad.reason) view.notes.push(`normality not tested: ${ad.reason}`);
  if (view.normality && !view.normality.normal) view.notes.push(`the data do not look normal (Anderson–Darling p = ${view.normality.p.toPrecision(3)}): read normal-theory indices with care`);
  for (const [k, why] of Object.entries(r.undefinedReasons)) if (k === 'cp' || k === 'cpk' || k === 'pp' || k === 'ppk' || k === 'cpm') view.notes.push(`${k}: ${why}`);
  return view;
}

function finiteOrNull(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

/** Sturges bins over the range of the data (the dashboard widens the axis to the spec limits itself). */
function histogram(values: readonly number[]): { from: number; to: number; count: number }[] {
  if (values.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) return [{ from: lo, to: hi, count: values.length }];
  const k = Math.min(50, Math.ceil(Math.log2(values.length)) + 1);
  const width = (hi - lo) / k;
  const bins = Array.from({ length: k }, (_, i) => ({ from: lo + i * width, to: lo + (i + 1) * width, count: 0 }));
  for (const v of values) bins[Math.min(k - 1, Math.floor((v - lo) / width))]!.count++;
  return bins;
}
