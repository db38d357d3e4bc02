import uPlot from 'uplot';
import type { SpcChartPanel } from '../api/types.js';
import { themedAxis } from '../components/uplot-chart.js';
import { panAwareCursor, panZoomPlugin } from './pan-zoom.js';
import { themeColor, withAlpha } from './palette.js';

const VIOLATION = '#d62728';

/** Aligned data of a control chart: x (s), values, center, UCL, LCL (per point where the chart has varying limits). */
export function controlChartData(panel: SpcChartPanel): uPlot.AlignedData {
  const p = panel.points;
  return [
    p.map((pt) => pt.ts / 1000),
    p.map((pt) => pt.value),
    p.map(() => panel.center),
    p.map((pt) => pt.ucl ?? panel.ucl),
    p.map((pt) => pt.lcl ?? panel.lcl),
  ];
}

/** A control chart: points and line, center line, limits as steps, ±1σ/±2σ zones shaded, violating points marked with their rules. */
export function controlChartOptions(panel: SpcChartPanel, unit: string, timeZone: string | undefined): Omit<uPlot.Options, 'width' | 'height'> {
  const text = themeColor('--text', '#222');
  const limit = themeColor('--limit', '#b22');
  const center = themeColor('--center', '#2a7');
  const value = themeColor('--accent', '#0072b2');
  return {
    series: [
      { label: 'time' },
      { label: panel.name, stroke: value, width: 1.5, points: { show: true, size: 5, fill: value } },
      { label: 'CL', stroke: center, width: 1, dash: [6, 4], points: { show: false } },
      { label: 'UCL', stroke: limit, width: 1.25, points: { show: false }, paths: uPlot.paths.stepped!({ align: 1 }) },
      { label: 'LCL', stroke: limit, width: 1.25, points: { show: false }, paths: uPlot.paths.stepped!({ align: 1 }) },
    ],
    axes: [themedAxis(), themedAxis({ size: 70, label: unit })],
    scales: {
      x: { time: true },
      y: {
        range: (_u, min, max) => {
          const lo = Math.min(min, panel.lcl);
          const hi = Math.max(max, panel.ucl);
          const pad = (hi - lo) * 0.08 || 1;
          return [lo - pad, hi + pad];
        },
      },
    },
    cursor: { ...panAwareCursor, drag: { x: true, y: false, setScale: true }, sync: { key: 'spc' } },
    legend: { live: true },
    plugins: [panZoomPlugin({})],
    ...(timeZone ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), timeZone) } : {}),
    hooks: {
      drawAxes: [(u) => drawZones(u, panel)],
      draw: [(u) => drawViolations(u, panel, text)],
    },
  };
}

function drawZones(u: uPlot, panel: SpcChartPanel): void {
  const z = panel.zones;
  if (!z) return;
  const { ctx } = u;
  const { left, width } = u.bbox;
  const band = (a: number, b: number, color: string): void => {
    const y1 = u.valToPos(a, 'y', true);
    const y2 = u.valToPos(b, 'y', true);
    ctx.fillStyle = color;
    ctx.fillRect(left, Math.min(y1, y2), width, Math.abs(y2 - y1));
  };
  ctx.save();
  band(z.bHigh, z.aHigh, withAlpha('#d62728', 0.08));
  band(z.aLow, z.bLow, withAlpha('#d62728', 0.08));
  band(z.cHigh, z.bHigh, withAlpha('#e69f00', 0.08));
  band(z.bLow, z.cLow, withAlpha('#e69f00', 0.08));
  band(z.cLow, z.cHigh, withAlpha('#009e73', 0.07));
  ctx.restore();
}

function drawViolations(u: uPlot, panel: SpcChartPanel, text: string): void {
  const { ctx } = u;
  const ratio = devicePixelRatio || 1;
  ctx.save();
  ctx.font = `${11 * ratio}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  let lastLabel = { x: -Infinity, text: '' };
  for (const pt of panel.points) {
    if (pt.violations.length === 0) continue;
    const x = u.valToPos(pt.ts / 1000, 'x', true);
    const y = u.valToPos(pt.value, 'y', true);
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
    ctx.strokeStyle = VIOLATION;
    ctx.fillStyle = withAlpha(VIOLATION, 0.85);
    ctx.lineWidth = 2 * ratio;
    ctx.beginPath();
    ctx.arc(x, y, 5 * ratio, 0, 2 * Math.PI);
    ctx.fill();
    // A run of points breaking the same rules is labelled once, where the labels would not overlap.
    const label = pt.violations.join(' ');
    const w = ctx.measureText(label).width;
    if (label !== lastLabel.text || x - lastLabel.x > w + 6 * ratio) {
      ctx.fillStyle = text;
      ctx.fillText(label, x, y - 9 * ratio);
      lastLabel = { x, text: label };
    }
  }
  ctx.restore();
}
