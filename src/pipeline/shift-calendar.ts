import { PipelineError, PipelineErrorCode } from './errors.js';

/** A shift as the config writes it: "HH:MM" wall-clock times in the site timezone. */
export interface ShiftDefinition {
  name: string;
  start: string;
  end: string;
}

const QUARTER_HOUR = 900_000;
const DAY = 86_400_000;

/**
 * Which shift is on at an instant. A shift runs from `start` (inclusive) to
 * `end` (exclusive) of local wall-clock time; `end` ≤ `start` means it crosses
 * midnight, `end` = `start` means all day. The first matching shift in config
 * order wins; null when none covers the instant.
 */
export class ShiftCalendar {
  readonly timezone: string;
  readonly #shifts: { name: string; start: number; end: number }[];
  readonly #format: Intl.DateTimeFormat;
  // UTC offsets change only on quarter-hour instants (offsets are multiples of 15 min), so cache per quarter hour.
  readonly #offsets = new Map<number, number>();

  constructor(timezone: string, shifts: readonly ShiftDefinition[]) {
    this.timezone = timezone;
    try {
      this.#format = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone, hourCycle: 'h23',
        year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch (cause) {
      throw new PipelineError(PipelineErrorCode.InvalidTimezone, `site.timezone "${timezone}" is not an IANA time zone (e.g. "Europe/Berlin")`, { cause });
    }
    this.#shifts = shifts.map((s) => ({ name: s.name, start: minutes(s.start), end: minutes(s.end) }));
  }

  /** Minutes since local midnight at `ts` (epoch ms). */
  minuteOfDay(ts: number): number {
    const local = ts + this.offset(ts);
    return Math.floor((((local % DAY) + DAY) % DAY) / 60_000);
  }

  /** Offset of local time from UTC at `ts`, in ms. */
  offset(ts: number): number {
    const key = Math.floor(ts / QUARTER_HOUR);
    let off = this.#offsets.get(key);
    if (off === undefined) {
      const at = key * QUARTER_HOUR;
      const p: Record<string, number> = {};
      for (const part of this.#format.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      off = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at;
      if (this.#offsets.size > 4096) this.#offsets.clear();
      this.#offsets.set(key, off);
    }
    return off;
  }

  /** Name of the shift on at `ts`, or null. */
  shiftAt(ts: number): string | null {
    if (this.#shifts.length === 0 || !Number.isFinite(ts)) return null;
    const m = this.minuteOfDay(ts);
    for (const s of this.#shifts) {
      const on = s.start < s.end ? m >= s.start && m < s.end : s.start > s.end ? m >= s.start || m < s.end : true;
      if (on) return s.name;
    }
    return null;
  }
}

function minutes(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new PipelineError(PipelineErrorCode.InvalidOption, `shift time "${hhmm}" is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}
