import type { SampleValue } from '../api/types.js';

let timeZone: string | undefined;

/** Times are shown in the site's time zone (plant time), whatever the browser's. */
export function setDisplayTimeZone(tz: string | undefined): void {
  timeZone = tz;
  timeFormat = undefined;
  dateTimeFormat = undefined;
}

let timeFormat: Intl.DateTimeFormat | undefined;
let dateTimeFormat: Intl.DateTimeFormat | undefined;

export function formatTime(ms: number): string {
  timeFormat ??= new Intl.DateTimeFormat(undefined, { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return timeFormat.format(ms);
}

export function formatDateTime(ms: number): string {
  dateTimeFormat ??= new Intl.DateTimeFormat(undefined, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return dateTimeFormat.format(ms);
}

/** A number with about four significant digits (0.0123, 1.235, 12.35, 1,235, 12,346). */
export function formatNumber(n: number | null | undefined, maxDecimals = 3): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  const decimals = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : abs >= 1 ? 3 : 4;
  return n.toLocaleString(undefined, { maximumFractionDigits: Math.min(decimals, Math.max(maxDecimals, 0) + (abs < 1 ? 1 : 0)) });
}

export function formatValue(v: SampleValue | undefined): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  return v;
}

export function formatPercent(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)} %`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** 2 h 05 min, 3 min 10 s, 12 s. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "12 s ago" for recent times, the time of day for older ones. */
export function formatAge(ms: number, now = Date.now()): string {
  const d = now - ms;
  if (d < 0) return formatTime(ms);
  if (d < 90_000) return `${Math.max(0, Math.round(d / 1000))} s ago`;
  if (d < 3_600_000) return `${Math.round(d / 60_000)} min ago`;
  return formatDateTime(ms);
}

/** Now rounded down to `stepMs`: a request path built from it stays the same between renders. */
export function stableNow(stepMs = 60_000): number {
  return Math.floor(Date.now() / stepMs) * stepMs;
}

/** A measured value with `digits` significant digits, for limits and means that differ in the 4th decimal. */
export function formatPrecise(n: number | null | undefined, digits = 6): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return String(Number(n.toPrecision(digits)));
}
