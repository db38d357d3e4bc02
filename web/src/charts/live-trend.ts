import type { TrendData } from './trend-data.js';
import type { TagHistory } from '../live/live-values.js';

/** The live window of each tag's recent history as one aligned trend (x in seconds). */
export function liveTrend(tags: readonly string[], histories: readonly TagHistory[], from: number): TrendData {
  const times = new Set<number>();
  const starts = histories.map((h) => {
    let lo = 0;
    let hi = h.t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (h.t[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < h.t.length; i++) times.add(h.t[i]!);
    return lo;
  });
  const x = [...times].sort((a, b) => a - b);
  const at = new Map(x.map((t, i) => [t, i]));
  const series = tags.map((tag, k) => {
    const h = histories[k]!;
    const avg = new Array<number | null>(x.length).fill(null);
    for (let i = starts[k]!; i < h.t.length; i++) avg[at.get(h.t[i]!)!] = h.v[i]!;
    return { tag, avg };
  });
  return { x: x.map((t) => t / 1000), series, kind: 'raw', truncated: false };
}
