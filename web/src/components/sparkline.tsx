import { useEffect, useRef } from 'preact/hooks';
import { liveValues } from '../live/live-values.js';

const WIDTH = 120;
const HEIGHT = 28;

/** The last minutes of a tag as a small line, redrawn when `version` changes. */
export function Sparkline({ tag, version, windowMs = 5 * 60_000 }: { tag: string; version: number; windowMs?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const ratio = devicePixelRatio || 1;
    if (el.width !== WIDTH * ratio) {
      el.width = WIDTH * ratio;
      el.height = HEIGHT * ratio;
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const { t, v } = liveValues.history(tag);
    const to = Date.now();
    const from = to - windowMs;
    let start = t.length;
    while (start > 0 && t[start - 1]! >= from) start--;
    // Keep the value that was current when the window opened, so a flat signal still draws.
    if (start > 0) start--;
    if (t.length - start < 2) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = start; i < v.length; i++) {
      lo = Math.min(lo, v[i]!);
      hi = Math.max(hi, v[i]!);
    }
    const pad = hi === lo ? Math.abs(hi) * 0.05 || 1 : (hi - lo) * 0.1;
    lo -= pad;
    hi += pad;
    const x = (ms: number): number => ((Math.max(ms, from) - from) / windowMs) * (WIDTH - 2) + 1;
    const y = (val: number): number => HEIGHT - 2 - ((val - lo) / (hi - lo)) * (HEIGHT - 4);
    ctx.strokeStyle = getComputedStyle(el).color;
    ctx.lineWidth = 1.25;
    ctx.beginPath();
    ctx.moveTo(x(t[start]!), y(v[start]!));
    for (let i = start + 1; i < t.length; i++) {
      // Step: a value holds until the next one (deadband storage).
      ctx.lineTo(x(t[i]!), y(v[i - 1]!));
      ctx.lineTo(x(t[i]!), y(v[i]!));
    }
    ctx.lineTo(x(to), y(v.at(-1)!));
    ctx.stroke();
  }, [tag, version, windowMs]);
  return <canvas class="sparkline" ref={canvas} style={{ width: `${WIDTH}px`, height: `${HEIGHT}px` }} aria-hidden="true" />;
}
