import type uPlot from 'uplot';

/** What the user did to the x range, so the owner can stop following live data or load finer data. */
export type ViewListener = (min: number, max: number) => void;

/**
 * Zoom and pan on the x axis: drag selects a range (uPlot's own), Shift+drag
 * pans, the wheel zooms around the cursor, and with the chart focused the
 * arrow keys pan, +/− zoom and 0 resets. Pans are applied once per frame.
 */
export function panZoomPlugin(opts: { onView?: ViewListener; onReset?: () => void }): uPlot.Plugin {
  let frame: number | null = null;
  let pending: { min: number; max: number } | null = null;
  let measuring = false;
  const apply = (u: uPlot, min: number, max: number): void => {
    pending = { min, max };
    if (frame !== null) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      if (!pending) return;
      // Each redraw of a pan or zoom is measured (performance entries "fabrik:chart-redraw"), so its cost can be read in the field.
      performance.mark('fabrik:chart-view');
      measuring = true;
      u.setScale('x', pending);
      opts.onView?.(pending.min, pending.max);
      pending = null;
    });
  };
  const range = (u: uPlot): [number, number] => [u.scales.x!.min!, u.scales.x!.max!];
  const zoom = (u: uPlot, factor: number, at: number): void => {
    const [min, max] = range(u);
    apply(u, at - (at - min) * factor, at + (max - at) * factor);
  };
  const pan = (u: uPlot, share: number): void => {
    const [min, max] = range(u);
    const d = (max - min) * share;
    apply(u, min + d, max + d);
  };
  return {
    hooks: {
      draw: () => {
        if (!measuring) return;
        measuring = false;
        performance.measure('fabrik:chart-redraw', 'fabrik:chart-view');
      },
      ready: (u) => {
        const over = u.over;
        over.addEventListener(
          'wheel',
          (e) => {
            e.preventDefault();
            const rect = over.getBoundingClientRect();
            zoom(u, e.deltaY < 0 ? 0.8 : 1.25, u.posToVal(e.clientX - rect.left, 'x'));
          },
          { passive: false },
        );
        over.addEventListener('mousedown', (e) => {
          if (!e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          const startX = e.clientX;
          const [min0, max0] = range(u);
          const perPx = (max0 - min0) / over.clientWidth;
          const move = (m: MouseEvent): void => {
            const d = (m.clientX - startX) * perPx;
            apply(u, min0 - d, max0 - d);
          };
          const up = (): void => {
            removeEventListener('mousemove', move);
            removeEventListener('mouseup', up);
          };
          addEventListener('mousemove', move);
          addEventListener('mouseup', up);
        });
        const root = u.root;
        root.tabIndex = 0;
        root.addEventListener('keydown', (e) => {
          const [min, max] = range(u);
          const mid = (min + max) / 2;
          if (e.key === 'ArrowLeft') pan(u, -0.1);
          else if (e.key === 'ArrowRight') pan(u, 0.1);
          else if (e.key === '+' || e.key === '=') zoom(u, 0.8, mid);
          else if (e.key === '-') zoom(u, 1.25, mid);
          else if (e.key === '0') opts.onReset?.();
          else return;
          e.preventDefault();
        });
      },
      setSelect: (u) => {
        // uPlot zoomed to the dragged range (setScale on select); report it as a user view.
        if (u.select.width > 0) opts.onView?.(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'));
      },
    },
  };
}

/** uPlot's cursor bindings with Shift+mousedown left to the pan handler instead of starting a selection. */
export const panAwareCursor: uPlot.Cursor = {
  bind: {
    mousedown: (_u, _t, handler) => (e) => {
      if (!e.shiftKey) handler(e);
      return null;
    },
  },
};
