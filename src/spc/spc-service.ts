import type { FabrikEvent, TagRegistry } from '../core/index.js';
import { capabilityView, type CapabilityView } from './capability-view.js';
import { limitsFromFixed, type ChartLimits } from './chart-limits.js';
import { chartView, studyLimits, type ChartView } from './chart-view.js';
import type { Characteristic } from './characteristic-schema.js';
import { SpcError, SpcErrorCode } from './errors.js';
import { feedsOf, type LiveSpc, type SpcHistory, type StoredSample } from './live-spc.js';

/** A characteristic as the API lists it (the dashboard's SpcCharacteristic). */
export interface CharacteristicSummary {
  id: string;
  name: string;
  tag: string;
  assetPath: string;
  unit: string;
  chart: string;
  subgroupSize: number;
  spec: { lsl?: number; usl?: number; target?: number };
  status: 'in-control' | 'out-of-control' | 'baseline' | 'insufficient-data';
  lastViolation?: { ts: number; rule: string; message: string };
  limits?: ChartLimits;
}

/** An engineer's baseline request: a phase I study of a stored period, or limits typed in. */
export type BaselineRequest =
  | { from: number; to: number; comment?: string }
  | { limits: { center: number; ucl: number; lcl: number; sigma?: number }; comment?: string };

/** Samples read for one chart or study; the newest when a period holds more. */
const MAX_SAMPLES = 100_000;

/** What the SPC routes ask of the node: the characteristics, their charts and capability, and limit changes. */
export class SpcService {
  constructor(
    private readonly live: LiveSpc,
    private readonly history: SpcHistory,
    private readonly tags: TagRegistry,
  ) {}

  characteristics(): CharacteristicSummary[] {
    const statuses = new Map(this.live.statuses().map((s) => [s.id, s]));
    return [...this.live.runners.values()].map((r) => {
      const c = r.c;
      const i = c.tag ? this.tags.index(c.tag) : undefined;
      const def = i !== undefined ? this.tags.get(i) : undefined;
      const s = statuses.get(c.id)!;
      return {
        id: c.id,
        name: c.name,
        tag: c.tag ?? c.inspection ?? '',
        assetPath: this.live.assetOf(r),
        unit: c.sizeTag ? 'fraction' : (def?.unit ?? ''),
        chart: c.chart,
        subgroupSize: c.subgroup.size,
        spec: c.spec,
        status: s.status,
        ...(s.lastViolation ? { lastViolation: s.lastViolation } : {}),
        ...(r.limits ? { limits: r.limits } : {}),
      };
    });
  }

  async chart(id: string, range: { from?: number; to?: number }): Promise<ChartView & { id: string; unit: string }> {
    const c = this.characteristic(id);
    const view = chartView(c, await this.samples(c, range), this.live.runners.get(id)!.limits);
    return { id, unit: this.characteristics().find((x) => x.id === id)!.unit, ...view };
  }

  async capability(id: string, range: { from?: number; to?: number }): Promise<CapabilityView> {
    const c = this.characteristic(id);
    return capabilityView(c, await this.samples(c, range));
  }

  /** New limits by an engineer; recorded as an audited `spc.limits.changed` event. */
  async setBaseline(id: string, req: BaselineRequest, actor: string): Promise<{ limits: ChartLimits; event: FabrikEvent }> {
    const c = this.characteristic(id);
    let limits: ChartLimits;
    if ('limits' in req) {
      const { center, ucl, lcl, sigma } = req.limits;
      if (!(lcl <= center && center <= ucl && lcl < ucl)) throw new SpcError(SpcErrorCode.LimitsInvalid, `limits must satisfy lcl < ucl and lcl <= center <= ucl (got lcl ${lcl}, center ${center}, ucl ${ucl})`);
      if (c.chart === 'cusum' || c.chart === 'ewma') {
        if (sigma === undefined) throw new SpcError(SpcErrorCode.LimitsInvalid, `a ${c.chart} chart's limits follow from the process mean and sigma: give "sigma" (of individual values) with the center`);
      }
      limits = limitsFromFixed({ ...c, baseline: { mode: 'fixed', center, ucl, lcl, ...(sigma !== undefined ? { sigma } : {}) } });
    } else {
      if (!(req.from < req.to)) throw new SpcError(SpcErrorCode.LimitsInvalid, '"from" must be before "to"');
      const samples = await this.samples(c, req);
      const study = studyLimits(c, samples);
      if (!study) throw new SpcError(SpcErrorCode.InsufficientData, `the period holds ${samples.length} samples of ${c.tag}, too few for ${c.chart} limits (at least 2 complete subgroups); pick a longer period`);
      limits = study;
    }
    const reason = 'limits' in req ? 'limits entered' : 'phase I study of a stored period';
    const event = this.live.changeLimits(id, limits, { actor, reason, ...(req.comment ? { comment: req.comment } : {}), ...('from' in req ? { range: { from: req.from, to: req.to } } : {}) });
    return { limits, event };
  }

  private characteristic(id: string): Characteristic {
    const r = this.live.runners.get(id);
    if (!r) throw new SpcError(SpcErrorCode.CharacteristicNotFound, `no characteristic "${id}"; list them with GET /api/v1/spc/characteristics`);
    return r.c;
  }

  private samples(c: Characteristic, range: { from?: number; to?: number }): Promise<StoredSample[]> {
    const tags = feedsOf(c).map(([t]) => t);
    if (tags.length === 0) return Promise.resolve([]);
    return this.history.samples(tags, { ...(range.from !== undefined ? { from: range.from } : {}), ...(range.to !== undefined ? { to: range.to } : {}), limit: MAX_SAMPLES, newest: true });
  }
}
