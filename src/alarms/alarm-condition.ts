import type { AlarmDefinition } from './alarm-config.js';

/**
 * Whether a value is in alarm: true (beyond the limit), false (back inside by
 * at least the deadband) or null (inside the hysteresis band: the alarm keeps
 * its state). "Beyond" is strict: a value exactly on a HI limit is not in alarm.
 * `rate` is the change per `def.per` since the previous sample, `setpoint` the
 * current setpoint of a deviation alarm.
 */
export function alarmCondition(def: AlarmDefinition, value: number, ctx: { rate?: number; setpoint?: number }): boolean | null {
  const db = def.deadband;
  switch (def.type) {
    case 'hihi':
    case 'hi':
      return above(value, def.limit!, db);
    case 'lo':
    case 'lolo':
      return above(-value, -def.limit!, db);
    case 'deviation':
      if (ctx.setpoint === undefined || !Number.isFinite(ctx.setpoint)) return null;
      return above(Math.abs(value - ctx.setpoint), def.limit!, db);
    case 'rate':
      if (ctx.rate === undefined || !Number.isFinite(ctx.rate)) return null;
      return above(Math.abs(ctx.rate), def.limit!, db);
    case 'discrete':
      return def.values!.some((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v) === value);
  }
}

function above(x: number, limit: number, deadband: number): boolean | null {
  if (x > limit) return true;
  if (x <= limit - deadband) return false;
  return null;
}
