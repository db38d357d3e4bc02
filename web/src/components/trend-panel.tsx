import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { TagDefinition } from '../api/types.js';
import { liveTrend } from '../charts/live-trend.js';
import { seriesColor } from '../charts/palette.js';
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
export type RangeId = (typeof RANGES)[number]['id'] | 'custom';
const MAX_SPAN_MS = 30 * 86_400_000;

export interface TrendPanelProps {
  tags: readonly TagDefinition[];
  range: RangeId;
  /** The span of a custom range (epoch ms). */
  custom?: { from: number; to: number } | undefined;
  onRange: (range: RangeId, custom?: { from: number; to: number }) => void;
  /** Every tag that can be added to the trend, and how to change the selection. */
  candidates: readonly TagDefinition[];
  onTags: (ids: string[]) => void;
}

/** The operator's trend: live last 15 minutes from the stream, or up to 30 days from rollups with min/max bands; zoom and pan load finer data. */
export function TrendPanel({ tags, range, custom, onRange, candidates, onTags }: TrendPanelProps) {
  const ids = useMemo(() => tags.map((t) => t.id), [tags]);
  const fixed = range === 'custom' && custom ? custom : null;
  const spec = fixed ? { id: 'custom' as const, label: 'Custom', ms: fixed.to - fixed.from } : (RANGES.find((r) => r.id === range) ?? RANGES[0]);
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

  const span = (): { from: number; to: number } => (fixed ? fixed : { from: Date.now() - spec.ms, to: Date.now() });
  useEffect(() => {
    const w = span();
    setLoaded(null);
    setFollow(true);
    void load(w.from, w.to, false);
  }, [load, spec.ms, fixed?.from, fixed?.to]);

  // When the user zooms into a long range, fetch that window at a finer resolution.
  const onView = useCallback(
    (min: number, max: number) => {
      setFollow(false);
      if (live) return;
      if (detailTimer.current !== null) clearTimeout(detailTimer.current);
      detailTimer.current = window.setTimeout(() => {
        const viewMs = (max - min) * 1000;
        const data = loaded;
        if (!data || !loadedSpan.current) return;
        const finer = data.kind === 'rollup' && (viewMs <= RAW_SPAN_MS || bucketFor(viewMs) < (data.bucketMinutes ?? 1));
        if (finer) void load(min * 1000 - viewMs / 2, max * 1000 + viewMs / 2, true);
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
          <button type="button" role="radio" aria-checked={range === 'custom'} class={range === 'custom' ? 'active' : ''} onClick={() => onRange('custom', custom ?? { from: Date.now() - 3_600_000, to: Date.now() })}>
            Custom
          </button>
        </div>
      </header>
      {range === 'custom' && <CustomRange value={custom} onApply={(c) => onRange('custom', c)} />}
      <TagPicker tags={tags} candidates={candidates} onTags={onTags} />
      {tags.length === 0 ? (
        <p class="muted">Pick one or more tags above to trend them.</p>
      ) : (
        <>
          <p class="chart-meta muted" aria-live="polite">
            {busy ? 'Loading…' : data ? describe(data, points) : ''}
            {!follow && (
              <button type="button" class="link" onClick={() => (live ? setFollow(true) : void load(span().from, span().to, false))}>
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

/** From/to in the browser's local time, at most 30 days apart. */
function CustomRange({ value, onApply }: { value: { from: number; to: number } | undefined; onApply: (c: { from: number; to: number }) => void }) {
  const local = (ms: number): string => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const [from, setFrom] = useState(local(value?.from ?? Date.now() - 3_600_000));
  const [to, setTo] = useState(local(value?.to ?? Date.now()));
  const f = new Date(from).getTime();
  const t = new Date(to).getTime();
  const problem = !(f < t) ? '"From" must be before "to".' : t - f > MAX_SPAN_MS ? 'At most 30 days at a time.' : null;
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem) onApply({ from: f, to: t });
      }}
      aria-label="Custom time range"
    >
      <label>
        From <span class="muted small">(local time)</span>
        <input type="datetime-local" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        To
        <input type="datetime-local" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" disabled={!!problem}>
        Show
      </button>
      {problem && <span class="muted small">{problem}</span>}
    </form>
  );
}

/** The trended tags as removable chips, and a field to add any numeric tag of the site. */
function TagPicker({ tags, candidates, onTags }: { tags: readonly TagDefinition[]; candidates: readonly TagDefinition[]; onTags: (ids: string[]) => void }) {
  const [text, setText] = useState('');
  const ids = tags.map((t) => t.id);
  const add = (id: string): void => {
    if (!candidates.some((c) => c.id === id) || ids.includes(id)) return;
    onTags([...ids, id]);
    setText('');
  };
  return (
    <div class="tag-picker">
      {tags.map((t, i) => (
        <span class="chip" key={t.id} style={{ borderColor: seriesColor(i) }}>
          {t.id}
          <button type="button" aria-label={`Remove ${t.id} from the trend`} onClick={() => onTags(ids.filter((x) => x !== t.id))}>
            ×
          </button>
        </span>
      ))}
      <input
        list="trend-candidates"
        value={text}
        placeholder="Add a tag…"
        aria-label="Add a tag to the trend"
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          setText(v);
          if (candidates.some((c) => c.id === v)) add(v);
        }}
        onKeyDown={(e) => e.key === 'Enter' && add(text.trim())}
      />
      <datalist id="trend-candidates">
        {candidates.filter((c) => !ids.includes(c.id)).map((c) => (
          <option value={c.id} key={c.id}>
            {c.description}
          </option>
        ))}
      </datalist>
    </div>
  );
}
