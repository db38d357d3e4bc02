import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { TagDefinition } from '../api/types.js';
import { liveTrend } from '../charts/live-trend.js';
import { bucketFor, loadTrend, RAW_SPAN_MS, type TrendData } from '../charts/trend-data.js';
import { trendAligned, trendOptions } from '../charts/trend-options.js';
import { liveValues } from '../live/live-values.js';
import { useLiveTags } from '../live/use-live.js';
import { useObservable } from '../live/observable.js';
import { site } from '../site/site-model.js';
import { formatDateTime } from './format.js';
import { UPlotChart } from './uplot-chart.js';

export const RANGES = [
  { id: 'live', label: 'Live 15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { id: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { id: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 d', ms: 30 * 86_400_000 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

export interface TrendPanelProps {
  tags: readonly TagDefinition[];
  range: RangeId;
  onRange: (range: RangeId) => void;
}

/** The operator's trend: live last 15 minutes from the stream, or up to 30 days from rollups with min/max bands; zoom and pan load finer data. */
export function TrendPanel({ tags, range, onRange }: TrendPanelProps) {
  const ids = useMemo(() => tags.map((t) => t.id), [tags]);
  const spec = RANGES.find((r) => r.id === range) ?? RANGES[0];
  const live = spec.id === 'live';
  const timeZone = useObservable(site)?.site.timezone;
  const [loaded, setLoaded] = useState<TrendData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [follow, setFollow] = useState(true);
  const loadedSpan = useRef<{ from: number; to: number } | null>(null);
  const chart = useRef<uPlot | null>(null);
  const detailTimer = useRef<number | null>(null);
  const version = useLiveTags(live ? ids : []);

  const load = useCallback(
    async (from: number, to: number, keep: boolean) => {
      setBusy(true);
      try {
        const data = await loadTrend(ids, from, to);
        if (live) {
          data.series.forEach((s) => {
            const t: number[] = [];
            const v: number[] = [];
            data.x.forEach((x, i) => {
              const val = s.avg[i];
              if (val !== null && val !== undefined) {
                t.push(x * 1000);
                v.push(val);
              }
            });
            liveValues.seed(s.tag, t, v);
          });
        }
        loadedSpan.current = { from, to };
        setLoaded(data);
        setFollow(!keep);
        setError(null);
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setBusy(false);
      }
    },
    [ids.join('\n'), live],
  );

  useEffect(() => {
    const now = Date.now();
    setLoaded(null);
    setFollow(true);
    void load(now - spec.ms, now, false);
  }, [load, spec.ms]);

  // When the user zooms into a long range, fetch that window at a finer resolution.
  const onView = useCallback(
    (min: number, max: number) => {
      setFollow(false);
      if (live) return;
      if (detailTimer.current !== null) clearTimeout(detailTimer.current);
      detailTimer.current = window.setTimeout(() => {
        const span = (max - min) * 1000;
        const data = loaded;
        if (!data || !loadedSpan.current) return;
        const finer = data.kind === 'rollup' && (span <= RAW_SPAN_MS || bucketFor(span) < (data.bucketMinutes ?? 1));
        if (finer) void load(min * 1000 - span / 2, max * 1000 + span / 2, true);
      }, 300);
    },
    [live, loaded, load],
  );

  const data = useMemo<TrendData | null>(() => {
    if (!live) return loaded;
    if (!loaded) return null;
    return liveTrend(ids, ids.map((id) => liveValues.history(id)), Date.now() - spec.ms);
  }, [live, loaded, version, ids, spec.ms]);

  // The chart lives across renders; its plugin calls whatever handlers this render has.
  const handlers = useRef({ onView, onReset: () => {} });
  handlers.current = {
    onView,
    onReset: () => {
      setFollow(true);
      const u = chart.current;
      if (u && data) u.setData(trendAligned(data), true);
    },
  };
  const bands = data?.kind === 'rollup';
  const options = useMemo(
    () => trendOptions(tags, bands, timeZone, { onView: (a, b) => handlers.current.onView(a, b), onReset: () => handlers.current.onReset() }),
    [tags, bands, timeZone],
  );
  const aligned = useMemo(() => (data ? trendAligned(data) : null), [data]);
  const points = data ? data.x.length : 0;

  return (
    <section class="panel trend" aria-label="Trend">
      <header class="panel-head">
        <h2>Trend</h2>
        <div class="segmented" role="radiogroup" aria-label="Time range">
          {RANGES.map((r) => (
            <button type="button" role="radio" aria-checked={r.id === range} class={r.id === range ? 'active' : ''} onClick={() => onRange(r.id)} key={r.id}>
              {r.label}
            </button>
          ))}
        </div>
      </header>
      {tags.length === 0 ? (
        <p class="muted">Pick one or more tags above to trend them.</p>
      ) : (
        <>
          <p class="chart-meta muted" aria-live="polite">
            {busy ? 'Loading…' : data ? describe(data, points) : ''}
            {!follow && (
              <button type="button" class="link" onClick={() => (live ? setFollow(true) : void load(Date.now() - spec.ms, Date.now(), false))}>
                {live ? 'Follow live' : 'Reset zoom'}
              </button>
            )}
            <span class="hint"> Drag to zoom · Shift+drag to pan · wheel zooms · double-click resets</span>
          </p>
          {error && <p class="notice error" role="alert">Could not load the trend: {error}</p>}
          {aligned && (
            <UPlotChart
              options={options}
              optionsKey={`${ids.join(',')}|${bands}|${timeZone}`}
              data={aligned}
              height={320}
              keepScale={!follow}
              onChart={(u) => (chart.current = u)}
              label={`Trend of ${ids.join(', ')}`}
            />
          )}
          <p class="sr-only" data-testid="trend-points">{points}</p>
        </>
      )}
    </section>
  );
}

function describe(data: TrendData, points: number): string {
  const first = data.x[0];
  const last = data.x.at(-1);
  const span = first !== undefined && last !== undefined ? `${formatDateTime(first * 1000)} – ${formatDateTime(last * 1000)}` : 'no data in this range';
  const kind = data.kind === 'rollup' ? `${data.bucketMinutes}-min min/avg/max` : 'raw samples';
  return `${points.toLocaleString()} points, ${kind}, ${span}${data.truncated ? ' (truncated)' : ''}. `;
}
