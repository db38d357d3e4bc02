import { z } from 'zod';
import { parseDuration } from '../core/index.js';
import { DEFAULT_RULES, RULE_IDS, type RuleId } from './rule-definitions.js';

export const CHART_KINDS = ['xbar-r', 'xbar-s', 'imr', 'ewma', 'cusum', 'p', 'np', 'c', 'u'] as const;

/** A duration as "250ms", "10s", "5m", "2h" or a number of milliseconds; parsed to ms. */
const duration = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === null || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a positive duration; write e.g. "30s", "5m", "1h" or a number of ms` });
      return z.NEVER;
    }
    return ms;
  });

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const subgroupSchema = z
  .object({
    size: z.number().int().min(1).default(1).describe('Values per subgroup (2..25 for X̄ charts, 1 for I-MR); inspected units per sample for np.'),
    mode: z.enum(['consecutive', 'time-window', 'part-id']).default('consecutive').describe('How samples are grouped.'),
    window: duration.optional().describe('Window length for mode time-window, e.g. "1m".'),
    timeout: duration.prefault('15m').describe('A subgroup not filled within this time is reported as incomplete, never dropped silently.'),
  })
  .strict();

export const specSchema = z
  .object({
    lsl: finite.optional().describe('Lower specification limit.'),
    usl: finite.optional().describe('Upper specification limit.'),
    target: finite.optional().describe('Nominal value; midpoint of the limits for Cpm when unset.'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.lsl !== undefined && s.usl !== undefined && !(s.lsl < s.usl)) {
      ctx.addIssue({ code: 'custom', path: ['usl'], message: `usl (${s.usl}) must be greater than lsl (${s.lsl})` });
    }
    if (s.target !== undefined && ((s.lsl !== undefined && s.target <= s.lsl) || (s.usl !== undefined && s.target >= s.usl))) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'target must lie strictly between lsl and usl' });
    }
  });

export const ewmaSchema = z
  .object({
    lambda: z.number().gt(0).lte(1).default(0.2).describe('Weight of the newest value, 0 < λ <= 1 (0.05–0.25 detects small shifts).'),
    L: z.number().gt(0).default(3).describe('Limit width in sigmas of the EWMA statistic (2.7–3).'),
  })
  .strict();

export const cusumSchema = z
  .object({
    k: z.number().min(0).default(0.5).describe('Reference value in sigmas: half the shift to detect.'),
    h: z.number().gt(0).default(5).describe('Decision interval in sigmas (4 or 5 usual).'),
    target: finite.optional().describe('Target mean; the phase I mean when unset.'),
  })
  .strict();

export const rulesSchema = z
  .object(Object.fromEntries(RULE_IDS.map((r) => [r, z.boolean().default(DEFAULT_RULES[r])])) as Record<RuleId, z.ZodDefault<z.ZodBoolean>>)
  .strict()
  .describe('Western Electric 1–4 are on by default; Nelson 1–8 can be switched on one by one.');

export const baselineSchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('phase1'),
      subgroups: z.number().int().min(2).default(25).describe('Points (subgroups) collected before limits are fixed; 20–25 is customary.'),
    })
    .strict(),
  z
    .object({
      mode: z.literal('fixed'),
      center: finite,
      ucl: finite,
      lcl: finite,
      sigma: z.number().min(0).optional().describe('Process sigma of individual values; (ucl − center)/3·√n when unset.'),
    })
    .strict()
    .superRefine((b, ctx) => {
      if (!(b.lcl <= b.center && b.center <= b.ucl && b.lcl < b.ucl)) {
        ctx.addIssue({ code: 'custom', path: ['ucl'], message: `fixed limits must satisfy lcl < ucl and lcl <= center <= ucl (got ${b.lcl}, ${b.center}, ${b.ucl})` });
      }
    }),
]);

/**
 * One monitored quality characteristic as it appears in the site config: which
 * tag or inspection feeds it, which chart, how samples form subgroups, spec
 * limits, chart parameters, which rules fire, and where the limits come from.
 */
export const characteristicSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i, 'letters, digits, ".", "_" and "-" only'),
    name: z.string().min(1),
    tag: z.string().min(1).optional().describe('Tag id whose samples are measured.'),
    inspection: z.string().min(1).optional().describe('Inspection source (a camera id) whose rejects per inspected units are charted (its counters "<id>.rejects" and "<id>.inspected").'),
    partTag: z
      .string()
      .min(1)
      .optional()
      .describe('For subgroup mode part-id: the tag whose value is the part, batch or lot id of the measurements that follow it.'),
    sizeTag: z
      .string()
      .min(1)
      .optional()
      .describe('p and u charts from counters: a counter of units inspected; `tag` is then the counter of defectives (defects), and a point is plotted every `subgroup.size` units.'),
    chart: z.enum(CHART_KINDS),
    subgroup: subgroupSchema.prefault({}),
    spec: specSchema.prefault({}),
    ewma: ewmaSchema.prefault({}),
    cusum: cusumSchema.prefault({}),
    rules: rulesSchema.prefault({}),
    baseline: baselineSchema.prefault({ mode: 'phase1' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    // A parsed characteristic of an inspection carries its counter tags; parsing it again must accept them.
    const derived = c.inspection !== undefined && c.tag === `${c.inspection}.rejects` && c.sizeTag === `${c.inspection}.inspected`;
    if ((c.tag === undefined) === (c.inspection === undefined) && !derived) {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: 'give exactly one of tag or inspection' });
    }
    const n = c.subgroup.size;
    if ((c.chart === 'xbar-r' || c.chart === 'xbar-s') && (n < 2 || n > 25)) {
      ctx.addIssue({ code: 'custom', path: ['subgroup', 'size'], message: `${c.chart} needs a subgroup size of 2..25, got ${n}; use imr for single values` });
    }
    if (c.chart === 'imr' && n !== 1) {
      ctx.addIssue({ code: 'custom', path: ['subgroup', 'size'], message: `imr plots single values: subgroup size must be 1, got ${n}` });
    }
    if ((c.chart === 'ewma' || c.chart === 'cusum') && n > 25) {
      ctx.addIssue({ code: 'custom', path: ['subgroup', 'size'], message: `${c.chart} subgroups hold 1..25 values, got ${n}` });
    }
    if (c.inspection !== undefined && c.chart !== 'p' && c.chart !== 'u') {
      ctx.addIssue({ code: 'custom', path: ['chart'], message: 'an inspection source is charted as a rate of rejects: use chart p (or u)' });
    }
    if (c.inspection !== undefined && c.sizeTag !== undefined && !derived) {
      ctx.addIssue({ code: 'custom', path: ['sizeTag'], message: 'an inspection source brings its own counters ("<source>.rejects" per "<source>.inspected"); leave sizeTag out' });
    }
    if (c.subgroup.mode === 'part-id' && c.partTag === undefined) {
      ctx.addIssue({ code: 'custom', path: ['partTag'], message: 'mode part-id needs partTag: the tag that carries the part or batch id' });
    }
    if (c.sizeTag !== undefined && (c.tag === undefined || (c.chart !== 'p' && c.chart !== 'u'))) {
      ctx.addIssue({ code: 'custom', path: ['sizeTag'], message: 'sizeTag (a counter of inspected units) goes with a p or u chart and a counter tag' });
    }
    if (c.subgroup.mode === 'time-window' && c.subgroup.window === undefined) {
      ctx.addIssue({ code: 'custom', path: ['subgroup', 'window'], message: 'mode time-window needs a window, e.g. "1m"' });
    }
  })
  // An inspection source (a camera) counts what it inspected and rejected in two counter tags: chart those.
  .transform((c) => (c.inspection !== undefined ? { ...c, tag: `${c.inspection}.rejects`, sizeTag: `${c.inspection}.inspected` } : c));

/** A characteristic after defaults are applied (durations in ms). */
export type Characteristic = z.output<typeof characteristicSchema>;
/** A characteristic as written in the site config. */
export type CharacteristicInput = z.input<typeof characteristicSchema>;
export type SubgroupConfig = Characteristic['subgroup'];
export type SpecConfig = Characteristic['spec'];
export type BaselineConfig = Characteristic['baseline'];
export type RulesConfig = Characteristic['rules'];
