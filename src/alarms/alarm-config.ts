import { z } from 'zod';
import { parseDuration } from '../core/index.js';

/** ISA-18.2 priorities, lowest first. */
export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Alarm types a tag can carry. */
export const ALARM_TYPES = ['hihi', 'hi', 'lo', 'lolo', 'deviation', 'rate', 'discrete'] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

/** Machine states (as asset state maps name them) in which alarms can be suppressed by design. */
export const MACHINE_STATES = ['running', 'idle', 'faulted', 'off'] as const;

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === null || ms < 0) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration; write e.g. "0s", "5s", "2m" or a number of ms` });
    return z.NEVER;
  }
  return ms;
});
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** Settings each alarm of a tag may override. */
const common = {
  priority: z.enum(PRIORITIES).optional(),
  deadband: z.number().min(0).optional().describe('Hysteresis in engineering units: the alarm returns only once the value is this far back inside the limit.'),
  onDelay: duration.optional().describe('The condition must hold this long before the alarm becomes active (chatter filter).'),
  offDelay: duration.optional().describe('The condition must be gone this long before the alarm returns.'),
  message: z.string().min(1).max(200).optional(),
};

const limitAlarm = z.object({ limit: finite, ...common }).strict();

/**
 * The alarms of one tag, as the site config's `alarms:` list holds them: any
 * of HIHI/HI/LO/LOLO limits, a deviation from a setpoint, a rate of change and
 * a discrete (state) value, with shared deadband, delays and suppression.
 */
export const tagAlarmsSchema = z
  .object({
    tag: z.string().min(1),
    hihi: limitAlarm.optional(),
    hi: limitAlarm.optional(),
    lo: limitAlarm.optional(),
    lolo: limitAlarm.optional(),
    deviation: z
      .object({
        setpoint: finite.optional().describe('Fixed setpoint.'),
        setpointTag: z.string().min(1).optional().describe('Tag whose latest value is the setpoint.'),
        limit: z.number().gt(0).describe('Largest allowed |value − setpoint|.'),
        ...common,
      })
      .strict()
      .refine((d) => (d.setpoint === undefined) !== (d.setpointTag === undefined), { message: 'give exactly one of setpoint or setpointTag', path: ['setpoint'] })
      .optional(),
    rate: z
      .object({
        limit: z.number().gt(0).describe('Largest allowed change per `per`, engineering units.'),
        per: duration.prefault('1m').describe('Time unit of the rate, e.g. "1s", "1m".'),
        ...common,
      })
      .strict()
      .optional(),
    discrete: z
      .object({
        values: z.array(z.union([finite, z.boolean()])).min(1).describe('Values in alarm, e.g. [3] for a "faulted" state code, or [true].'),
        ...common,
      })
      .strict()
      .optional(),
    priority: z.enum(PRIORITIES).optional().describe('Default priority of this tag’s alarms (HIHI/LOLO: high, others: medium, when unset).'),
    deadband: z.number().min(0).default(0),
    onDelay: duration.prefault(0),
    offDelay: duration.prefault(0),
    suppressWhen: z
      .array(z.enum(MACHINE_STATES))
      .default(['off'])
      .describe('Suppressed by design while the machine of the tag (its asset’s stateTag, or the nearest parent’s) is in one of these states.'),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!ALARM_TYPES.some((t) => a[t] !== undefined)) ctx.addIssue({ code: 'custom', path: ['tag'], message: `alarms of "${a.tag}" name no alarm: add one of ${ALARM_TYPES.join(', ')}` });
    const order = [a.lolo?.limit, a.lo?.limit, a.hi?.limit, a.hihi?.limit].filter((x): x is number => x !== undefined);
    for (let i = 1; i < order.length; i++) {
      if (!(order[i - 1]! < order[i]!)) ctx.addIssue({ code: 'custom', path: ['hi'], message: `limits of "${a.tag}" must rise strictly: lolo < lo < hi < hihi (got ${order.join(', ')})` });
    }
  });

export const alarmsConfigSchema = z
  .object({
    tags: z.array(tagAlarmsSchema).default([]),
    maxShelve: duration.prefault('8h').describe('Longest an operator may shelve an alarm (ISA-18.2: shelving is time-limited).'),
    floodThreshold: z.number().int().positive().default(10).describe('Alarms per 10 minutes per operator area that count as a flood (ISA-18.2: 10).'),
  })
  .strict();

export type TagAlarms = z.output<typeof tagAlarmsSchema>;
export type AlarmsConfig = z.output<typeof alarmsConfigSchema>;

/** One configured alarm, flattened from a tag's alarms. */
export interface AlarmDefinition {
  id: string;
  tag: string;
  type: AlarmType;
  priority: Priority;
  /** Limit (HI…LOLO), allowed deviation or rate; undefined for discrete. */
  limit?: number;
  setpoint?: number;
  setpointTag?: string;
  /** Rate unit, ms. */
  per?: number;
  values?: (number | boolean)[];
  deadband: number;
  onDelay: number;
  offDelay: number;
  message?: string;
  suppressWhen: readonly string[];
}

/** The alarms of a config, one per tag and type; id "<tag>.<type>". */
export function alarmDefinitions(config: AlarmsConfig): AlarmDefinition[] {
  const out: AlarmDefinition[] = [];
  for (const a of config.tags) {
    for (const type of ALARM_TYPES) {
      const x = a[type];
      if (!x) continue;
      const d: AlarmDefinition = {
        id: `${a.tag}.${type}`,
        tag: a.tag,
        type,
        priority: x.priority ?? a.priority ?? (type === 'hihi' || type === 'lolo' ? 'high' : 'medium'),
        deadband: x.deadband ?? a.deadband,
        onDelay: x.onDelay ?? a.onDelay,
        offDelay: x.offDelay ?? a.offDelay,
        suppressWhen: a.suppressWhen,
      };
      if (x.message) d.message = x.message;
      if ('limit' in x) d.limit = x.limit;
      if ('setpoint' in x && x.setpoint !== undefined) d.setpoint = x.setpoint;
      if ('setpointTag' in x && x.setpointTag !== undefined) d.setpointTag = x.setpointTag;
      if ('per' in x) d.per = x.per;
      if ('values' in x) d.values = x.values;
      out.push(d);
    }
  }
  return out;
}

/** Cross-checks against the rest of the site config: tags must exist, and a tag appears once. */
export function alarmsConfigIssues(config: AlarmsConfig, tags: ReadonlySet<string>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  config.tags.forEach((a, i) => {
    if (!tags.has(a.tag)) out.push({ path: ['alarms', 'tags', i, 'tag'], message: `alarms name tag "${a.tag}", which no device defines` });
    if (seen.has(a.tag)) out.push({ path: ['alarms', 'tags', i, 'tag'], message: `tag "${a.tag}" has two alarm entries; put its alarms in one` });
    seen.add(a.tag);
    const sp = a.deviation?.setpointTag;
    if (sp !== undefined && !tags.has(sp)) out.push({ path: ['alarms', 'tags', i, 'deviation', 'setpointTag'], message: `setpointTag "${sp}" is not a tag of any device` });
  });
  return out;
}
