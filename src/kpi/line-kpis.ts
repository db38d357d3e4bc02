import { KpiError, KpiErrorCode } from './errors.js';
import type { LineKpiConfig } from './kpi-schema.js';
import { computeOee, type OeeResult, type StateDurations } from './oee.js';

/** Runs one read-only SQL statement on the node's store (the API's query path fits). */
export type KpiQuery = (sql: string) => Promise<{ rows: unknown[][] }>;

type MachineState = keyof Omit<StateDurations, 'unknown'>;

/** What the KPI computation needs to know about the site. */
export interface KpiSite {
  lines: readonly LineKpiConfig[];
  /** Assets of the site config: display names and the state maps of state tags. */
  assets: readonly { path: string; name?: string | undefined; stateTag?: string | undefined; stateMap?: Record<string, MachineState> | undefined }[];
}

/** One line's KPIs over a period. */
export interface LineKpi extends OeeResult {
  asset: string;
  name: string;
  unit: string;
  idealRate: number;
  /** Epoch ms; `to` is capped at the time of the computation. */
  from: number;
  to: number;
  durations: StateDurations;
  total: number;
  scrap: number;
}

/**
 * KPIs of every configured line over [from, to): state times from the state
 * tag (each sample holds until the next, at most `maxGap`), unit counts from
 * the increase of counters (resets detected), then OEE. Two queries for all
 * lines together per distinct `maxGap`, whatever the number of lines.
 */
export async function lineKpis(site: KpiSite, query: KpiQuery, range: { from: number; to: number; now: number }): Promise<LineKpi[]> {
  const from = Math.floor(range.from);
  const to = Math.floor(Math.min(range.to, range.now));
  if (site.lines.length === 0) return [];
  const stateTime = new Map<string, Map<string, number>>();
  const increase = new Map<string, number>();
  const byGap = new Map<number, LineKpiConfig[]>();
  for (const line of site.lines) byGap.set(line.maxGap, [...(byGap.get(line.maxGap) ?? []), line]);
  if (to > from) {
    for (const [gap, lines] of byGap) {
      const stateTags = [...new Set(lines.map((l) => l.stateTag))];
      const counterTags = [...new Set(lines.flatMap((l) => [l.countTag, ...l.scrapTags]))];
      const [states, counters] = await Promise.all([
        run(query, stateTimeSql(stateTags, from, to, gap), 'state times'),
        run(query, counterIncreaseSql(counterTags, from, to, gap), 'counter increases'),
      ]);
      for (const [tag, value, ms] of states.rows) {
        const perValue = stateTime.get(String(tag)) ?? new Map<string, number>();
        perValue.set(String(value), Number(ms));
        stateTime.set(String(tag), perValue);
      }
      for (const [tag, inc] of counters.rows) increase.set(String(tag), Number(inc));
    }
  }
  return site.lines.map((line) => {
    const asset = site.assets.find((a) => a.path === line.asset);
    const stateMap = line.stateMap ?? site.assets.find((a) => a.stateTag === line.stateTag)?.stateMap ?? {};
    const durations: StateDurations = { running: 0, idle: 0, faulted: 0, off: 0, unknown: 0 };
    let known = 0;
    for (const [value, ms] of stateTime.get(line.stateTag) ?? []) {
      const state = stateMap[value];
      if (state) {
        durations[state] += ms;
        known += ms;
      }
    }
    durations.unknown = Math.max(0, to - from - known);
    const total = increase.get(line.countTag) ?? 0;
    const scrap = line.scrapTags.reduce((sum, tag) => sum + (increase.get(tag) ?? 0), 0);
    const oee = computeOee({ durations, total, scrap, idealRate: line.idealRate });
    if (!stateTime.has(line.stateTag) && to > from) oee.notes.push(`no samples of state tag "${line.stateTag}" in the period`);
    return {
      asset: line.asset,
      name: asset?.name ?? line.asset.slice(line.asset.lastIndexOf('/') + 1),
      unit: line.unit,
      idealRate: line.idealRate,
      from,
      to: Math.max(from, to),
      durations,
      total,
      scrap,
      ...oee,
    };
  });
}

/** Milliseconds per (tag, value) in [from, to), each sample holding until the next one but at most `gap`. */
export function stateTimeSql(tags: readonly string[], from: number, to: number, gap: number): string {
  return `WITH s AS (
  SELECT tag, epoch_ms(ts) AS t, value FROM samples
  WHERE tag IN (${tags.map(sqlText).join(', ')}) AND ts >= epoch_ms(${from - gap}) AND ts < epoch_ms(${to}) AND value IS NOT NULL AND quality <> 'bad'
), held AS (
  SELECT tag, value, greatest(t, ${from}) AS t0, least(coalesce(lead(t) OVER (PARTITION BY tag ORDER BY t), ${to}), ${to}, t + ${gap}) AS t1 FROM s
)
SELECT tag, value, sum(t1 - t0)::DOUBLE AS ms FROM held WHERE t1 > t0 GROUP BY tag, value ORDER BY tag, value`;
}

/**
 * Increase of each counter over [from, to): the sum of positive steps between
 * consecutive samples (including the step from the last sample before `from`);
 * a step down is a reset, after which the counter's new value is the increase.
 */
export function counterIncreaseSql(tags: readonly string[], from: number, to: number, gap: number): string {
  return `WITH s AS (
  SELECT tag, ts, value, value - lag(value) OVER (PARTITION BY tag ORDER BY ts) AS step FROM samples
  WHERE tag IN (${tags.map(sqlText).join(', ')}) AND ts >= epoch_ms(${from - gap}) AND ts < epoch_ms(${to}) AND value IS NOT NULL AND quality <> 'bad'
)
SELECT tag, sum(CASE WHEN step >= 0 THEN step ELSE value END)::DOUBLE AS increase FROM s
WHERE ts >= epoch_ms(${from}) AND step IS NOT NULL GROUP BY tag ORDER BY tag`;
}

async function run(query: KpiQuery, sql: string, what: string): Promise<{ rows: unknown[][] }> {
  try {
    return await query(sql);
  } catch (cause) {
    throw new KpiError(KpiErrorCode.QueryFailed, `reading ${what} for the line KPIs failed: ${(cause as Error).message}; check the store's health on /healthz and retry`, { cause });
  }
}

function sqlText(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
