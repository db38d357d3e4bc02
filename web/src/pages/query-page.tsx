import { useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { runQuery, runQueryCsv } from '../api/sql.js';
import type { FabricPeers, QueryAnswer } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { panAwareCursor, panZoomPlugin } from '../charts/pan-zoom.js';
import { seriesColor } from '../charts/palette.js';
import { defaultX, isNumberColumn, isTimeColumn, resultColumns } from '../charts/result-chart-data.js';
import { DataTable } from '../components/data-table.js';
import { formatNumber } from '../components/format.js';
import { themedAxis, UPlotChart } from '../components/uplot-chart.js';
import type { PageDef } from './page-def.js';
import { EXAMPLES, VIEWS } from './query-views.js';

const HISTORY_KEY = 'fabrik.queries';
const MAX_ROWS = [1000, 10_000, 100_000] as const;

function history(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

/** SQL against the node's views: results as a table and as a chart, CSV export of the same query. */
function QueryPage() {
  const [sql, setSql] = useState(() => history()[0] ?? EXAMPLES[0].sql);
  const [maxRows, setMaxRows] = useState<number>(10_000);
  const [result, setResult] = useState<QueryAnswer | null>(null);
  const [ranSql, setRanSql] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState<'table' | 'chart'>('table');
  const [past, setPast] = useState(history);
  const editor = useRef<HTMLTextAreaElement>(null);
  // A node with peers can run the query on every edge node of the site and merge the answers.
  const peers = useResource<FabricPeers>('/api/v1/fabric/peers', { refreshMs: 30_000 });
  const siteNodes = peers.data ? peers.data.peers.filter((p) => p.state !== 'self').length : 0;
  const [wholeSite, setWholeSite] = useState(false);
  const scope = wholeSite && siteNodes > 0 ? ('site' as const) : undefined;

  const run = async (): Promise<void> => {
    const text = sql.trim();
    if (!text) return;
    setBusy(true);
    setError(null);
    try {
      const r = await runQuery(text, maxRows, undefined, scope);
      setResult(r);
      setRanSql(text);
      const next = [text, ...past.filter((p) => p !== text)].slice(0, 20);
      setPast(next);
      localStorage.setItem(HISTORY_KEY, JSON.stringify(next));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const exportCsv = async (): Promise<void> => {
    try {
      const blob = await runQueryCsv(ranSql || sql.trim(), maxRows, scope);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `fabrik-query-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const insert = (text: string): void => {
    setSql(text);
    editor.current?.focus();
  };

  return (
    <div class="query">
      <h1>Query</h1>
      <div class="query-layout">
        <aside class="panel views" aria-labelledby="views-title">
          <h2 id="views-title">Views</h2>
          {VIEWS.map((v) => (
            <details key={v.name}>
              <summary>
                <button type="button" class="link" onClick={() => insert(`select * from ${v.name} limit 100`)}>
                  {v.name}
                </button>
              </summary>
              <ul class="small muted">
                {v.columns.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            </details>
          ))}
          <h2>Examples</h2>
          <ul class="list small">
            {EXAMPLES.map((e) => (
              <li key={e.title}>
                <button type="button" class="link" onClick={() => insert(e.sql)}>
                  {e.title}
                </button>
              </li>
            ))}
          </ul>
        </aside>
        <section class="panel editor" aria-label="SQL editor">
          <label for="sql" class="sr-only">
            SQL
          </label>
          <textarea
            id="sql"
            ref={editor}
            data-search
            class="sql"
            spellcheck={false}
            rows={7}
            value={sql}
            onInput={(e) => setSql((e.target as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void run();
              }
            }}
          />
          <div class="toolbar">
            <button type="button" class="primary" onClick={() => void run()} disabled={busy} data-action="run-query">
              {busy ? 'Running…' : 'Run'} <span class="muted small">Ctrl+Enter</span>
            </button>
            <label class="inline">
              Max rows
              <select value={maxRows} onChange={(e) => setMaxRows(Number((e.target as HTMLSelectElement).value))}>
                {MAX_ROWS.map((n) => (
                  <option value={n} key={n}>
                    {n.toLocaleString()}
                  </option>
                ))}
              </select>
            </label>
            {siteNodes > 0 && (
              <label class="check" title="Run on every edge node of the site and merge the answers exactly">
                <input type="checkbox" checked={wholeSite} onChange={() => setWholeSite(!wholeSite)} data-action="whole-site" />
                Whole site ({siteNodes + 1} nodes)
              </label>
            )}
            <button type="button" onClick={() => void exportCsv()} disabled={!result} data-action="export-csv">
              Export CSV
            </button>
            {past.length > 0 && (
              <label class="inline">
                History
                <select value="" onChange={(e) => insert((e.target as HTMLSelectElement).value)}>
                  <option value="">…</option>
                  {past.map((p) => (
                    <option value={p} key={p}>
                      {p.replace(/\s+/g, ' ').slice(0, 80)}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
          {error && (
            <p class="notice error" role="alert">
              {error}
            </p>
          )}
          {result && (
            <>
              <p class="muted small" data-testid="query-summary">
                {result.rows.length.toLocaleString()} rows{result.truncated ? ' (truncated at the row cap)' : ''} in {formatNumber(result.elapsedMs, 1)} ms
                {result.scope === 'site' && result.nodes && ` · site query: ${result.nodes.filter((n) => n.state === 'answered').map((n) => n.node).join(', ')} answered`}
              </p>
              {result.partial && (
                <p class="notice warn" role="status" data-testid="query-partial">
                  Partial result: {(result.missing ?? []).map((m) => m.node).join(', ')} did not answer in time. Numbers cover the other nodes only.
                </p>
              )}
              <div class="tabs" role="tablist">
                <button type="button" role="tab" aria-selected={tab === 'table'} onClick={() => setTab('table')}>
                  Table
                </button>
                <button type="button" role="tab" aria-selected={tab === 'chart'} onClick={() => setTab('chart')}>
                  Chart
                </button>
              </div>
              {tab === 'table' ? <DataTable result={result} /> : <ResultChart result={result} />}
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function ResultChart({ result }: { result: QueryAnswer }) {
  const [x, setX] = useState(() => defaultX(result));
  const numeric = result.columns.map((c, i) => ({ c, i })).filter(({ c, i }) => i !== x && isNumberColumn(c.type));
  const [hidden, setHidden] = useState<Set<number>>(new Set());
  const ys = numeric.map(({ i }) => i).filter((i) => !hidden.has(i));
  const data = useMemo(() => (x >= 0 ? resultColumns(result, x, ys) : null), [result, x, ys.join(',')]);
  const time = x >= 0 && isTimeColumn(result.columns[x]!.type);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      series: [{ label: result.columns[x]?.name ?? 'x' }, ...ys.map((i, k) => ({ label: result.columns[i]!.name, stroke: seriesColor(k), width: 1.25, spanGaps: true, points: { show: false } }))],
      axes: [themedAxis(), themedAxis({ size: 60 })],
      scales: { x: { time } },
      cursor: { ...panAwareCursor, drag: { x: true, y: false, setScale: true } },
      plugins: [panZoomPlugin({})],
    }),
    [result, x, ys.join(','), time],
  );
  if (x < 0 || numeric.length === 0) return <p class="muted">To chart a result it needs a time or number column for x and at least one number column.</p>;
  return (
    <div class="result-chart">
      <div class="toolbar">
        <label class="inline">
          X
          <select value={x} onChange={(e) => setX(Number((e.target as HTMLSelectElement).value))}>
            {result.columns.map((c, i) =>
              isTimeColumn(c.type) || isNumberColumn(c.type) ? (
                <option value={i} key={c.name}>
                  {c.name}
                </option>
              ) : null,
            )}
          </select>
        </label>
        {numeric.map(({ c, i }) => (
          <label class="check" key={c.name}>
            <input
              type="checkbox"
              checked={!hidden.has(i)}
              onChange={() => {
                const next = new Set(hidden);
                if (next.has(i)) next.delete(i);
                else next.add(i);
                setHidden(next);
              }}
            />
            {c.name}
          </label>
        ))}
      </div>
      {data && <UPlotChart options={options} optionsKey={`${x}|${ys.join(',')}|${time}|${result.rows.length}|${result.elapsedMs}`} data={data} height={360} label="Query result chart" />}
      <p class="hint muted small">Drag to zoom · Shift+drag to pan · wheel zooms · double-click resets</p>
    </div>
  );
}

export const queryPage: PageDef = { id: 'query', title: 'Query', segment: 'query', shortcut: 'q', nav: true, component: QueryPage };
