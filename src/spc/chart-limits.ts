import { cChart } from './c-chart.js';
import type { ChartFlag, ChartKind } from './chart-result.js';
import type { Characteristic } from './characteristic-schema.js';
import { chartConstants } from './constants.js';
import { imrChart } from './imr-chart.js';
import { npChart } from './np-chart.js';
import { pChart } from './p-chart.js';
import { uChart } from './u-chart.js';
import { xbarRChart } from './xbar-r-chart.js';
import { xbarSChart } from './xbar-s-chart.js';

/** Limits a characteristic is monitored against, from a phase I study or from the config. */
export interface ChartLimits {
  chart: ChartKind;
  center: number;
  ucl: number;
  lcl: number;
  /** Process sigma: of individual values (variable charts) or of one item/unit (attribute charts: √(p̄(1 − p̄)), √ū, √c̄). */
  sigma: number;
  /** Nominal subgroup size (variable charts) or sample size (np). */
  n: number;
  flags: ChartFlag[];
  /** R, S or MR chart limits. */
  secondary?: { kind: 'R' | 'S' | 'MR'; center: number; ucl: number; lcl: number };
  source: 'phase1' | 'fixed';
}

/** Baseline data gathered during phase I: complete subgroups (variable charts) or counts with sizes (attribute charts). */
export interface BaselineData {
  subgroups: number[][];
  counts: number[];
  sizes: number[];
}

const L = 3;

/** Secondary-chart limits implied by a process sigma and subgroup size (same formulas as the batch charts). */
export function secondaryLimits(chart: ChartKind, sigma: number, n: number): ChartLimits['secondary'] {
  if (chart === 'xbar-r' || chart === 'imr') {
    const { d2, d3 } = chartConstants(chart === 'imr' ? 2 : n);
    return { kind: chart === 'imr' ? 'MR' : 'R', center: d2 * sigma, ucl: (d2 + L * d3) * sigma, lcl: Math.max(0, (d2 - L * d3) * sigma) };
  }
  if (chart === 'xbar-s') {
    const { c4 } = chartConstants(n);
    const spread = L * Math.sqrt(1 - c4 * c4) * sigma;
    return { kind: 'S', center: c4 * sigma, ucl: c4 * sigma + spread, lcl: Math.max(0, c4 * sigma - spread) };
  }
  return undefined;
}

/**
 * Sigma and limits of one plotted point of size `size` (subgroup size or
 * inspected units); attribute limits are clipped to the possible range.
 */
export function pointLimits(l: ChartLimits, size: number): { sigma: number; ucl: number; lcl: number } {
  let s: number;
  switch (l.chart) {
    case 'p':
    case 'u':
      s = l.sigma / Math.sqrt(size);
      break;
    case 'np':
    case 'c':
      s = l.sigma;
      break;
    default:
      s = l.sigma / Math.sqrt(Math.max(1, size));
  }
  let ucl = l.center + L * s;
  let lcl = l.center - L * s;
  if (l.chart === 'p') ucl = Math.min(1, ucl);
  if (l.chart === 'p' || l.chart === 'u' || l.chart === 'np' || l.chart === 'c') lcl = Math.max(0, lcl);
  return { sigma: s, ucl, lcl };
}

/**
 * Limits from a completed phase I baseline, computed by the batch chart
 * functions so the live chart and a batch report of the same data agree.
 * @throws SpcError when the baseline cannot support limits (callers in the live path catch it).
 */
export function limitsFromBaseline(c: Characteristic, data: BaselineData): ChartLimits {
  const n = c.subgroup.size;
  const done = (center: number, ucl: number, lcl: number, sigma: number, flags: ChartFlag[], size = n): ChartLimits => {
    const l: ChartLimits = { chart: c.chart, center, ucl, lcl, sigma, n: size, flags, source: 'phase1' };
    const sec = secondaryLimits(c.chart, sigma, size);
    if (sec) l.secondary = sec;
    return l;
  };
  switch (c.chart) {
    case 'p': {
      const r = pChart(data.counts, data.sizes);
      return done(r.center, r.ucl, r.lcl, Math.sqrt(r.center * (1 - r.center)), r.flags);
    }
    case 'u': {
      const r = uChart(data.counts, data.sizes);
      return done(r.center, r.ucl, r.lcl, Math.sqrt(r.center), r.flags);
    }
    case 'np': {
      const r = npChart(data.counts, n);
      return done(r.center, r.ucl, r.lcl, r.sigma, r.flags);
    }
    case 'c': {
      const r = cChart(data.counts);
      return done(r.center, r.ucl, r.lcl, r.sigma, r.flags, 1);
    }
    default: {
      const r =
        c.chart === 'xbar-s'
          ? xbarSChart(data.subgroups)
          : n >= 2
            ? xbarRChart(data.subgroups)
            : imrChart(data.subgroups.map((g) => g[0]));
      const sx = r.sigma / Math.sqrt(n);
      return done(r.center, r.center + L * sx, r.center - L * sx, r.sigma, r.flags.filter((f) => f === 'zero-variance'));
    }
  }
}

/** Limits given in the config (baseline mode fixed). */
export function limitsFromFixed(c: Characteristic): ChartLimits {
  if (c.baseline.mode !== 'fixed') throw new Error('limitsFromFixed needs baseline mode fixed');
  const { center, ucl, lcl } = c.baseline;
  const n = c.subgroup.size;
  const pointSigma = (ucl - center) / L;
  let sigma = c.baseline.sigma;
  if (sigma === undefined) {
    if (c.chart === 'p' || c.chart === 'u') sigma = pointSigma * Math.sqrt(n);
    else if (c.chart === 'np' || c.chart === 'c') sigma = pointSigma;
    else sigma = pointSigma * Math.sqrt(n);
  }
  const l: ChartLimits = { chart: c.chart, center, ucl, lcl, sigma, n, flags: sigma === 0 ? ['zero-variance'] : [], source: 'fixed' };
  const sec = secondaryLimits(c.chart, sigma, n);
  if (sec) l.secondary = sec;
  return l;
}
