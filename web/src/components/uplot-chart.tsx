import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { themeColor } from '../charts/palette.js';
import { useObservable } from '../live/observable.js';
import { theme } from '../theme.js';

export interface UPlotChartProps {
  /** Everything but the size; a new `optionsKey` re-creates the chart. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  optionsKey: string;
  data: uPlot.AlignedData;
  height: number;
  /** Keep the user's zoom when data changes. */
  keepScale?: boolean;
  onChart?: (u: uPlot | null) => void;
  label: string;
}

/** Axis styling that follows the page's theme. */
export function themedAxis(extra: uPlot.Axis = {}): uPlot.Axis {
  const text = themeColor('--text-muted', '#666');
  const grid = themeColor('--grid', '#ddd');
  return { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, ...extra };
}

/** Puts the visible x range on the chart element (data-x-min/max), for tests and for the curious. */
const viewAttributes: uPlot.Plugin = {
  hooks: {
    setScale: (u, key) => {
      if (key !== 'x') return;
      u.root.dataset.xMin = String(u.scales.x?.min ?? '');
      u.root.dataset.xMax = String(u.scales.x?.max ?? '');
    },
  },
};

/** A uPlot chart that fills its container's width and follows theme changes. */
export function UPlotChart({ options, optionsKey, data, height, keepScale, onChart, label }: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const current = useRef(data);
  current.current = data;
  const themeName = useObservable(theme);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot({ ...options, plugins: [...(options.plugins ?? []), viewAttributes], width: Math.max(200, el.clientWidth), height }, current.current, el);
    chart.current = u;
    onChart?.(u);
    const resize = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      onChart?.(null);
      u.destroy();
      chart.current = null;
    };
    // Re-create on a new key, height or theme; data flows in through setData below.
  }, [optionsKey, height, themeName.resolved]);

  useEffect(() => {
    const u = chart.current;
    if (u && u.data !== data) u.setData(data, !keepScale);
  }, [data, keepScale]);

  return <div class="chart" ref={box} role="img" aria-label={label} />;
}
