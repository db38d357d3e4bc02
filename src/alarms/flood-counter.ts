/** ISA-18.2's measuring window: alarms per 10 minutes per operator. */
export const FLOOD_WINDOW_MS = 600_000;
const KEEP_MS = 86_400_000;

/** Alarm rate of one operator area. */
export interface AreaAlarmRate {
  area: string;
  /** Alarms that became active in the last 10 minutes. */
  last10Minutes: number;
  flood: boolean;
  /** 10-minute periods (aligned to the clock) of the last 24 h with more than the threshold, and how many periods had alarms. */
  floodPeriods24h: number;
  periodsWithAlarms24h: number;
  peak10Minutes24h: number;
}

/**
 * Counts alarm activations per operator area (the asset's area: enterprise/site/area)
 * in 10-minute windows, as ISA-18.2 measures alarm floods: more than
 * `threshold` (10) alarms in 10 minutes for one operator is a flood.
 */
export class FloodCounter {
  private readonly times = new Map<string, number[]>();

  constructor(private readonly threshold: number) {}

  record(assetPath: string, ts: number): void {
    const area = assetPath.split('/').slice(0, 3).join('/');
    const list = this.times.get(area) ?? [];
    list.push(ts);
    while (list.length > 0 && list[0]! < ts - KEEP_MS) list.shift();
    this.times.set(area, list);
  }

  rates(now: number): AreaAlarmRate[] {
    const out: AreaAlarmRate[] = [];
    for (const [area, list] of this.times) {
      const periods = new Map<number, number>();
      let recent = 0;
      for (const t of list) {
        if (t < now - KEEP_MS) continue;
        if (t > now - FLOOD_WINDOW_MS) recent++;
        const p = Math.floor(t / FLOOD_WINDOW_MS);
        periods.set(p, (periods.get(p) ?? 0) + 1);
      }
      const counts = [...periods.values()];
      out.push({
        area,
        last10Minutes: recent,
        flood: recent > this.threshold,
        floodPeriods24h: counts.filter((c) => c > this.threshold).length,
        periodsWithAlarms24h: counts.length,
        peak10Minutes24h: counts.length ? Math.max(...counts) : 0,
      });
    }
    return out.sort((a, b) => a.area.localeCompare(b.area));
  }
}
