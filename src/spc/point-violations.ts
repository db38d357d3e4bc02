import type { PointEvent } from './characteristic-evaluator.js';
import type { ChartKind } from './chart-result.js';

/** One rule (or limit) a plotted point broke, with the points of the pattern by timestamp. */
export interface PointViolation {
  /** Rule id (we1…nelson8), or "ewma"/"cusum" for those statistics' limits. */
  rule: string;
  /** Panel the rule fired on: "Xbar", "R", "S", "I", "MR", "EWMA", "CUSUM", "p"… */
  chart: string;
  message: string;
  /** Timestamps (epoch ms) of the points that make up the pattern, oldest first. */
  points: number[];
}

/** Name of a characteristic's main chart panel. */
export function primaryPanel(chart: ChartKind): string {
  switch (chart) {
    case 'xbar-r':
    case 'xbar-s':
      return 'Xbar';
    case 'imr':
      return 'I';
    case 'ewma':
      return 'EWMA';
    case 'cusum':
      return 'CUSUM';
    default:
      return chart;
  }
}

/** Name of the dispersion panel (R, S, MR) of a chart, if it has one. */
export function secondaryPanel(chart: ChartKind): string | undefined {
  return chart === 'xbar-r' ? 'R' : chart === 'xbar-s' ? 'S' : chart === 'imr' ? 'MR' : undefined;
}

/**
 * Everything a monitoring point broke: zone and run rules on the main chart,
 * EWMA/CUSUM signals, and a range/sigma/moving range beyond its limits.
 * `tsOf` maps a point index of the evaluator to its timestamp.
 */
export function pointViolations(chart: ChartKind, p: PointEvent, tsOf: (index: number) => number | undefined): PointViolation[] {
  const out: PointViolation[] = [];
  const main = primaryPanel(chart);
  for (const v of p.violations) {
    const points: number[] = [];
    for (const i of v.points) {
      const ts = tsOf(i);
      if (ts !== undefined) points.push(ts);
    }
    out.push({ rule: v.rule, chart: main, message: v.message, points });
  }
  if (p.signal) {
    const rule = chart === 'cusum' ? 'cusum' : 'ewma';
    const side = p.signal === 'both' ? 'both sides' : p.signal === 'upper' ? 'upwards' : 'downwards';
    const message = chart === 'cusum' ? `CUSUM beyond the decision interval H: the mean shifted ${side}` : `EWMA beyond its control limits: the mean shifted ${side}`;
    out.push({ rule, chart: main, message, points: [p.ts] });
  }
  const second = secondaryPanel(chart);
  if (p.secondary?.outOfLimits && second) {
    out.push({ rule: 'we1', chart: second, message: `${second} beyond its control limits: the spread changed`, points: [p.ts] });
  }
  return out;
}
