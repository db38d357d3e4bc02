import { z } from 'zod';
import { assetPath, duration, tagId } from '../config/primitives.js';

const MACHINE_STATES = ['running', 'idle', 'faulted', 'off'] as const;

/**
 * How one line's KPIs are read from its signals. The line runs when the machine
 * behind `stateTag` runs (usually the constraint machine); `countTag` counts
 * every unit the line starts, `scrapTags` every unit it throws away.
 */
export const lineKpiSchema = z
  .object({
    asset: assetPath.describe('The line (or cell) the KPIs are for.'),
    stateTag: tagId.describe('Tag whose value says whether the line runs; mapped through stateMap, or the stateMap of the asset that names it as stateTag.'),
    stateMap: z.record(z.string(), z.enum(MACHINE_STATES)).optional().describe('Maps state values ("2") to running/idle/faulted/off; defaults to the asset’s.'),
    countTag: tagId.describe('Counter of units made (good and scrap); resets are detected.'),
    scrapTags: z.array(tagId).default([]).describe('Counters of units rejected; their increase is the scrap.'),
    idealRate: z.number().positive().describe('Units per minute at nameplate speed: performance = units made / (idealRate × run time).'),
    unit: z.string().default('units').describe('What one count is ("bottles", "parts").'),
    maxGap: duration.prefault('5m').describe('A state sample holds at most this long; longer gaps (node down, no data) count as unknown time, not as downtime.'),
  })
  .strict();

/** Top-level `kpi` key of the site config. */
export const kpiSchema = z
  .object({
    lines: z.array(lineKpiSchema).default([]),
  })
  .strict();

export type LineKpiConfig = z.output<typeof lineKpiSchema>;
export type KpiConfig = z.output<typeof kpiSchema>;

/** A problem with a `kpi` entry that only the whole site config can see (unknown tags and assets). */
export interface KpiConfigIssue {
  path: (string | number)[];
  message: string;
}

/** Cross-checks the `kpi` section against the site's tags and assets. */
export function kpiConfigIssues(kpi: KpiConfig | undefined, site: { tags: ReadonlySet<string>; assets: ReadonlySet<string>; stateMaps: ReadonlyMap<string, unknown> }): KpiConfigIssue[] {
  const issues: KpiConfigIssue[] = [];
  kpi?.lines.forEach((line, i) => {
    const at = (...rest: (string | number)[]): (string | number)[] => ['kpi', 'lines', i, ...rest];
    if (site.assets.size > 0 && !site.assets.has(line.asset)) issues.push({ path: at('asset'), message: `asset "${line.asset}" is not declared under assets` });
    const tags: [string, string | number, string][] = [
      ['stateTag', '', line.stateTag],
      ['countTag', '', line.countTag],
      ...line.scrapTags.map((t, j): [string, string | number, string] => ['scrapTags', j, t]),
    ];
    for (const [field, j, tag] of tags) {
      if (!site.tags.has(tag)) issues.push({ path: j === '' ? at(field) : at(field, j), message: `tag "${tag}" is not a tag of any device` });
    }
    if (!line.stateMap && !site.stateMaps.has(line.stateTag)) {
      issues.push({ path: at('stateMap'), message: `no stateMap: give one here, or declare an asset with stateTag "${line.stateTag}" and a stateMap` });
    }
  });
  return issues;
}
