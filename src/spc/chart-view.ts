import { pointLimits, type ChartLimits } from './chart-limits.js';
import { CharacteristicEvaluator, type PointEvent } from './characteristic-evaluator.js';
import type { Characteristic } from './characteristic-schema.js';
import { CounterPair } from './counter-pair.js';
import type { StoredSample } from './live-spc.js';
import { pointViolations, primaryPanel, secondaryPanel, type PointViolation } from './point-violations.js';
import type { Subgroup } from './subgrouper.js';

/** One point of a chart panel (the dashboard's SpcPoint). */
export interface PanelPoint {
  ts: number;
  value: number;
  ucl?: number;
  lcl?: number;
  violations: string[];
}

/** One chart of a characteristic (the dashboard's SpcChartPanel). */
export interface ChartPanel {
  name: string;
  center: number;
  ucl: number;
  lcl: number;
  zones?: { aLow: number; bLow: number; cLow: number; cHigh: number; bHigh: number; aHigh: number };
  points: PanelPoint[];
}

/** A characteristic's chart over a period (the dashboard's SpcChartAnswer, without id and unit). */
export interface ChartView {
  chart: string;
  /** Where the limits come from: the live limits, or trial limits of the shown data while phase I runs. */
  limits: 'live' | 'trial' | 'none';
  charts: ChartPanel[];
  violations: { rule: string; name: string; chart: string; ts: number; points: number[]; message: string }[];
  /** Subgroups plotted, and closed short (not plotted). */
  subgroups: { plotted: number; incomplete: number };
}

/**
 * Replays stored samples through a fresh evaluator of `c`: judged against
 * `limits`, or as a phase I study whose limits are fixed after `phase1` points
 * (never, when unset: every point is a baseline point).
 */
export function replay(c: Characteristic, samples: readonly StoredSample[], limits?: ChartLimits, phase1 = Number.MAX_SAFE_INTEGER): { points: PointEvent[]; limits?: ChartLimits; incomplete: Subgroup[] } {
  const evaluator = new CharacteristicEvaluator(limits ? c : { ...c, baseline: { mode: 'phase1', subgroups: phase1 } });
  if (limits) evaluator.adopt(limits);
  const points: PointEvent[] = [];
  const incomplete: Subgroup[] = [];
  const take = (events: ReturnType<CharacteristicEvaluator['push']>): void => {
    for (const e of events) {
      if (e.kind === 'point') points.push(e);
      else if (e.kind === 'incomplete-subgroup') incomplete.push(e.subgroup);
    }
  };
  if (c.sizeTag) {
    const pair = new CounterPair(c.subgroup.size);
    let at = Number.NaN;
    for (const s of samples) {
      if (s.ts !== at) {
        const p = pair.release();
        if (p) take(evaluator.push(p));
      }
      at = s.ts;
      if (s.tag === c.sizeTag) pair.sizeReading(s.value, s.ts);
      else pair.countReading(s.value);
    }
    const p = pair.release();
    if (p) take(evaluator.push(p));
  } else {
    let partId: string | undefined;
    for (const s of samples) {
      if (c.partTag !== undefined && s.tag === c.partTag) partId = s.text ?? String(s.value);
      else take(evaluator.push({ ts: s.ts, value: s.value, ...(partId !== undefined ? { partId } : {}) }));
    }
  }
  return { points, incomplete, ...(evaluator.limits ? { limits: evaluator.limits } : {}) };
}

/**
 * Limits of a phase I study of the given samples (every complete subgroup),
 * or undefined when they cannot support limits (too few points).
 */
export function studyLimits(c: Characteristic, samples: readonly StoredSample[]): ChartLimits | undefined {
  const count = replay(c, samples).points.length;
  if (count < 2) return undefined;
  return replay(c, samples, undefined, count).limits;
}

/**
 * The chart of a characteristic over stored samples, judged against the live
 * limits; while phase I still runs, against trial limits of the shown data
 * (as a textbook phase I chart does). Rules start fresh at the first point shown.
 */
export function chartView(c: Characteristic, samples: readonly StoredSample[], live: ChartLimits | undefined): ChartView {
  const limits = live ?? studyLimits(c, samples);
  const empty: ChartView = { chart: c.chart, limits: 'none', charts: [], violations: [], subgroups: { plotted: 0, incomplete: 0 } };
  if (!limits) return { ...empty, subgroups: { plotted: replay(c, samples).points.length, incomplete: 0 } };
  const run = replay(c, samples, limits);
  const tsByIndex = new Map(run.points.map((p) => [p.index, p.ts]));
  const main = primaryPanel(c.chart);
  const second = secondaryPanel(c.chart);
  const violations: ChartView['violations'] = [];
  const marks = new Map<number, PointViolation[]>();
  for (const p of run.points) {
    const vs = pointViolations(c.chart, p, (i) => tsByIndex.get(i));
    if (vs.length === 0) continue;
    marks.set(p.index, vs);
    for (const v of vs) violations.push({ rule: v.rule, name: ruleName(v), chart: v.chart, ts: p.ts, points: v.points, message: v.message });
  }
  const on = (p: PointEvent, panel: string): string[] => (marks.get(p.index) ?? []).filter((v) => v.chart === panel).map((v) => v.rule);
  const charts: ChartPanel[] = [];
  const nominal = pointLimits(limits, limits.n);
  if (c.chart === 'cusum') {
    const h = c.cusum.h * nominal.sigma;
    for (const [name, pick] of [['C+', (p: PointEvent) => p.cusum?.upper ?? 0], ['C-', (p: PointEvent) => p.cusum?.lower ?? 0]] as const) {
      charts.push({ name, center: 0, ucl: h, lcl: 0, points: run.points.map((p) => ({ ts: p.ts, value: pick(p), violations: on(p, main) })) });
    }
  } else {
    const variable = c.chart === 'p' || c.chart === 'u' || c.chart === 'ewma';
    const panel: ChartPanel = {
      name: main,
      center: limits.center,
      ucl: c.chart === 'ewma' ? limits.center + c.ewma.L * nominal.sigma * Math.sqrt(c.ewma.lambda / (2 - c.ewma.lambda)) : nominal.ucl,
      lcl: c.chart === 'ewma' ? limits.center - c.ewma.L * nominal.sigma * Math.sqrt(c.ewma.lambda / (2 - c.ewma.lambda)) : nominal.lcl,
      points: run.points.map((p) => ({ ts: p.ts, value: p.value, ...(variable && p.ucl !== undefined && p.lcl !== undefined ? { ucl: p.ucl, lcl: p.lcl } : {}), violations: on(p, main) })),
    };
    if (c.chart !== 'ewma') {
      const s = nominal.sigma;
      const m = limits.center;
      panel.zones = { aLow: m - 3 * s, bLow: m - 2 * s, cLow: m - s, cHigh: m + s, bHigh: m + 2 * s, aHigh: m + 3 * s };
    }
    charts.push(panel);
  }
  if (second && limits.secondary) {
    const sec = limits.secondary;
    charts.push({
      name: second,
      center: sec.center,
      ucl: sec.ucl,
      lcl: sec.lcl,
      points: run.points.filter((p) => p.secondary).map((p) => ({ ts: p.ts, value: p.secondary!.value, violations: on(p, second) })),
    });
  }
  return { chart: c.chart, limits: live ? 'live' : 'trial', charts, violations, subgroups: { plotted: run.points.length, incomplete: run.incomplete.length } };
}

function ruleName(v: PointViolation): string {
  if (v.rule.startsWith('we')) return `Western Electric ${v.rule.slice(2)}`;
  if (v.rule.startsWith('nelson')) return `Nelson ${v.rule.slice(6)}`;
  return v.rule === 'ewma' ? 'EWMA limit' : v.rule === 'cusum' ? 'CUSUM decision interval' : v.rule;
}
