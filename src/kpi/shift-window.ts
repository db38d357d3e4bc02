import { ShiftCalendar, type ShiftDefinition } from '../pipeline/index.js';

const MINUTE = 60_000;
const DAY_MINUTES = 1440;

/** The shift on at `now` and when it started and ends (epoch ms), or null when no shift covers it. */
export function currentShift(timezone: string, shifts: readonly ShiftDefinition[], now: number): { name: string; from: number; to: number } | null {
  const calendar = new ShiftCalendar(timezone, shifts);
  const name = calendar.shiftAt(now);
  const shift = shifts.find((s) => s.name === name);
  if (!shift) return null;
  const start = minutes(shift.start);
  const end = minutes(shift.end);
  const intoShift = (calendar.minuteOfDay(now) - start + DAY_MINUTES) % DAY_MINUTES;
  // UTC offsets are whole quarter hours, so local minutes start where UTC minutes do.
  const from = now - (now % MINUTE) - intoShift * MINUTE;
  const length = end === start ? DAY_MINUTES : (end - start + DAY_MINUTES) % DAY_MINUTES;
  return { name: shift.name, from, to: from + length * MINUTE };
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
