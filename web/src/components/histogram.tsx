import { useEffect, useRef } from 'preact/hooks';
import type { SpcCapability } from '../api/types.js';
import { themeColor, withAlpha } from '../charts/palette.js';
import { useObservable } from '../live/observable.js';
import { theme } from '../theme.js';

const HEIGHT = 220;

/** The capability histogram against the spec limits, with the normal curve of the overall mean and sigma. */
export function Histogram({ cap, unit }: { cap: SpcCapability; unit: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const t = useObservable(theme);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    const bins = cap.histogram.bins;
    if (!el || !ctx || bins.length === 0) return;
    const width = el.clientWidth || 480;
    const ratio = devicePixelRatio || 1;
    el.width = width * ratio;
    el.height = HEIGHT * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    const { lsl, usl, target } = cap.spec;
    const lo = Math.min(bins[0]!.from, lsl ?? Infinity);
    const hi = Math.max(bins.at(-1)!.to, usl ?? -Infinity);
    const pad = (hi - lo) * 0.05;
    const x0 = lo - pad;
    const x1 = hi + pad;
    const top = Math.max(...bins.map((b) => b.count), 1);
    const plot = { l: 8, r: width - 8, t: 18, b: HEIGHT - 22 };
    const x = (v: number): number => plot.l + ((v - x0) / (x1 - x0)) * (plot.r - plot.l);
    const y = (c: number): number => plot.b - (c / (top * 1.1)) * (plot.b - plot.t);
    const accent = themeColor('--accent', '#0072b2');
    const text = themeColor('--text-muted', '#666');
    ctx.fillStyle = withAlpha(accent, 0.45);
    ctx.strokeStyle = accent;
    for (const b of bins) {
      ctx.fillRect(x(b.from) + 0.5, y(b.count), Math.max(1, x(b.to) - x(b.from) - 1), plot.b - y(b.count));
    }
    const sigma = cap.sigmaOverall;
    if (sigma && sigma > 0) {
      const binWidth = bins[0]!.to - bins[0]!.from;
      ctx.beginPath();
      for (let i = 0; i <= 200; i++) {
        const v = x0 + ((x1 - x0) * i) / 200;
        const pdf = Math.exp(-0.5 * ((v - cap.mean) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI));
        const py = y(pdf * cap.n * binWidth);
        if (i === 0) ctx.moveTo(x(v), py);
        else ctx.lineTo(x(v), py);
      }
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    const line = (v: number | undefined, label: string, color: string, dash: number[]): void => {
      if (v === undefined) return;
      ctx.strokeStyle = color;
      ctx.setLineDash(dash);
      ctx.beginPath();
      ctx.moveTo(x(v), plot.t);
      ctx.lineTo(x(v), plot.b);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = color;
      ctx.fillText(label, x(v), plot.t - 5);
    };
    line(lsl, 'LSL', '#d62728', []);
    line(usl, 'USL', '#d62728', []);
    line(target, 'T', '#009e73', [4, 3]);
    ctx.fillStyle = text;
    ctx.textAlign = 'left';
    ctx.fillText(`${x0.toPrecision(5)} ${unit}`, plot.l, HEIGHT - 6);
    ctx.textAlign = 'right';
    ctx.fillText(`${x1.toPrecision(5)} ${unit}`, plot.r, HEIGHT - 6);
  }, [cap, unit, t.resolved]);
  return <canvas ref={canvas} class="histogram" style={{ width: '100%', height: `${HEIGHT}px` }} role="img" aria-label={`Histogram of ${cap.n} values against the spec limits`} />;
}
