import uPlot from 'uplot';
import type { TagDefinition } from '../api/types.js';
import { themedAxis } from '../components/uplot-chart.js';
import { panAwareCursor, panZoomPlugin, type ViewListener } from './pan-zoom.js';
import { seriesColor, withAlpha } from './palette.js';
import type { TrendData } from './trend-data.js';

/** uPlot options for a trend of tags: one y scale per unit (the first two with axes), min/max bands for rollups. */
export function trendOptions(tags: readonly Pick<TagDefinition, 'id' | 'unit'>[], bands: boolean, timeZone: string | undefined, view: { onView?: ViewListener; onReset?: () => void }): Omit<uPlot.Options, 'width' | 'height'> {
  const units = [...new Set(tags.map((t) => t.unit || 'value'))];
  const series: uPlot.Series[] = [{ label: 'time' }];
  const bandList: uPlot.Band[] = [];
  tags.forEach((t, i) => {
    const color = seriesColor(i);
    const scale = t.unit || 'value';
    const avgIndex = series.length;
    series.push({ label: t.id, scale, stroke: color, width: 1.5, spanGaps: true, points: { show: false }, value: (_u, v) => (v === null || v === undefined ? '—' : `${formatTick(v)} ${t.unit}`) });
    if (bands) {
      series.push({ label: `${t.id} min`, scale, stroke: withAlpha(color, 0.35), width: 0.5, spanGaps: true, points: { show: false } });
      series.push({ label: `${t.id} max`, scale, stroke: withAlpha(color, 0.35), width: 0.5, spanGaps: true, points: { show: false } });
      bandList.push({ series: [avgIndex + 2, avgIndex + 1], fill: withAlpha(color, 0.15) });
    }
  });
  const axes: uPlot.Axis[] = [themedAxis()];
  units.slice(0, 2).forEach((unit, i) => axes.push(themedAxis({ scale: unit, side: i === 0 ? 3 : 1, label: unit === 'value' ? '' : unit, size: 60, ...(i === 1 ? { grid: { show: false } } : {}) })));
  return {
    series,
    bands: bandList,
    axes,
    scales: { x: { time: true } },
    cursor: { ...panAwareCursor, drag: { x: true, y: false, setScale: true } },
    legend: { live: true },
    plugins: [panZoomPlugin(view)],
    ...(timeZone ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), timeZone) } : {}),
  };
}

/** uPlot's aligned data from a trend: x, then per tag avg (and min, max). */
export function trendAligned(data: TrendData): uPlot.AlignedData {
  const cols: (number | null)[][] = [];
  for (const s of data.series) {
    cols.push(s.avg);
    if (data.kind === 'rollup') cols.push(s.min ?? [], s.max ?? []);
  }
  return [data.x, ...cols] as uPlot.AlignedData;
}

function formatTick(v: number): string {
  const abs = Math.abs(v);
  return v.toFixed(abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 4);
}
