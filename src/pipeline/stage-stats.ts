/** Counters of one stage, as a plain object for metrics and the API. */
export interface StageStatsSnapshot {
  name: string;
  in: number;
  out: number;
  /** Samples removed, by reason (e.g. "future", "duplicate", "deadband"). */
  dropped: Record<string, number>;
  /** Samples kept with a worse quality, by reason (e.g. "range", "non_finite_value"). */
  flagged: Record<string, number>;
  /** Things seen that neither drop nor flag (late accepted, heartbeats, windows emitted). */
  observed: Record<string, number>;
}

/** Counters per stage, for Prometheus (`fabrik_samples_dropped_total{reason}`) and `/stats`. */
export interface PipelineStats {
  in: number;
  out: number;
  stages: StageStatsSnapshot[];
}

/**
 * Mutable counters a stage writes into. Stages add per batch, not per sample,
 * so the hot loop only bumps local integers.
 */
export class StageStats {
  readonly name: string;
  in = 0;
  out = 0;
  readonly dropped: Record<string, number> = {};
  readonly flagged: Record<string, number> = {};
  readonly observed: Record<string, number> = {};

  constructor(name: string) {
    this.name = name;
  }

  drop(reason: string, n: number): void {
    if (n > 0) this.dropped[reason] = (this.dropped[reason] ?? 0) + n;
  }

  flag(reason: string, n: number): void {
    if (n > 0) this.flagged[reason] = (this.flagged[reason] ?? 0) + n;
  }

  observe(what: string, n: number): void {
    if (n > 0) this.observed[what] = (this.observed[what] ?? 0) + n;
  }

  snapshot(): StageStatsSnapshot {
    return {
      name: this.name,
      in: this.in,
      out: this.out,
      dropped: { ...this.dropped },
      flagged: { ...this.flagged },
      observed: { ...this.observed },
    };
  }
}
