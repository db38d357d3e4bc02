/** Time a line spent in each state over a period, in ms; `unknown` is time without data. */
export interface StateDurations {
  running: number;
  idle: number;
  faulted: number;
  off: number;
  unknown: number;
}

/** What `computeOee` needs: state times, counts and the nameplate rate. */
export interface OeeInput {
  durations: StateDurations;
  /** Units made in the period, good and scrap. */
  total: number;
  /** Units rejected in the period. */
  scrap: number;
  /** Units per minute at nameplate speed. */
  idealRate: number;
}

/** The OEE factors; a factor is null when the period gives nothing to divide by (the reason is in `notes`). */
export interface OeeResult {
  /** Running time over planned production time (all but `off` and `unknown`). */
  availability: number | null;
  /** Units made over what the run time allows at the ideal rate. */
  performance: number | null;
  /** Good units over units made. */
  quality: number | null;
  oee: number | null;
  plannedMs: number;
  runMs: number;
  good: number;
  /** Good units per hour of the period (time without data left out). */
  throughputPerHour: number | null;
  /** Scrap over units made. */
  scrapRate: number | null;
  notes: string[];
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * OEE = availability × performance × quality, the way the plant floor counts it:
 * planned stops (`off`) and time without data are left out of planned time, so
 * a switched-off line or a node that was down never shows as lost production.
 */
export function computeOee(input: OeeInput): OeeResult {
  const { durations: d, idealRate } = input;
  const notes: string[] = [];
  const total = Math.max(0, input.total);
  const scrap = Math.min(Math.max(0, input.scrap), total);
  if (input.scrap > input.total) notes.push(`scrap (${input.scrap}) exceeds units made (${input.total}); quality is taken as 0`);
  const good = total - scrap;
  const plannedMs = d.running + d.idle + d.faulted;
  const runMs = d.running;

  const availability = plannedMs > 0 ? runMs / plannedMs : null;
  if (availability === null) notes.push('no planned production time in the period (the line was off or there is no state data)');
  let performance: number | null = null;
  if (runMs > 0 && idealRate > 0) {
    performance = total / ((idealRate * runMs) / MINUTE);
    if (performance > 1.05) notes.push(`performance is ${(performance * 100).toFixed(0)}%: the line made more than idealRate allows; check the configured idealRate`);
  } else if (plannedMs > 0) {
    performance = 0;
  }
  const quality = total > 0 ? good / total : null;
  if (quality === null && plannedMs > 0) notes.push('no units made in the period, so quality is not defined');
  // Nothing made means performance 0, so a missing quality cannot lift OEE above 0.
  const oee = availability !== null && performance !== null ? availability * performance * (quality ?? 1) : null;
  const knownMs = plannedMs + d.off;
  return {
    availability,
    performance,
    quality,
    oee,
    plannedMs,
    runMs,
    good,
    throughputPerHour: knownMs > 0 ? (good * HOUR) / knownMs : null,
    scrapRate: total > 0 ? scrap / total : null,
    notes,
  };
}
