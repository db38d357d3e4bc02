import { useState } from 'preact/hooks';
import { queryString } from '../api/http.js';
import type { KpiAnswer, LineKpi, StateDurations } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { formatDateTime, formatNumber, formatPercent, formatTime, stableNow } from '../components/format.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import { hrefOf } from '../router/hash-route.js';
import type { PanelDef } from './panel-def.js';

const PERIODS = [
  { id: 'shift', label: 'This shift' },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 h', ms: 86_400_000 },
] as const;

const STATES: (keyof StateDurations)[] = ['running', 'idle', 'faulted', 'off', 'unknown'];

function KpiPanel() {
  const [period, setPeriod] = useState<(typeof PERIODS)[number]['id']>('shift');
  const spec = PERIODS.find((p) => p.id === period)!;
  // Rounded to the refresh interval so the path (and the request) is stable between polls.
  const now = stableNow(30_000);
  const path = `/api/v1/kpi/lines${'ms' in spec ? queryString({ from: now - spec.ms }) : queryString({ period: 'shift' })}`;
  const kpi = useResource<KpiAnswer>(path, { refreshMs: 30_000 });
  return (
    <section class="panel" aria-labelledby="kpi-title">
      <header class="panel-head">
        <h2 id="kpi-title">Line KPIs</h2>
        <label class="inline">
          <span class="sr-only">Period</span>
          <select value={period} onChange={(e) => setPeriod((e.target as HTMLSelectElement).value as typeof period)}>
            {PERIODS.map((p) => (
              <option value={p.id} key={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      <ResourceState resource={kpi} capability="Line KPIs" />
      {hasData(kpi) && (
        <>
          <p class="muted small">
            {kpi.data.shift ? `Shift ${kpi.data.shift}, ` : ''}
            {formatDateTime(kpi.data.from)} – {formatTime(kpi.data.to)}
          </p>
          {kpi.data.lines.length === 0 && <p class="muted">No lines have KPIs configured (site config: kpi.lines).</p>}
          {kpi.data.lines.length <= CARDS_UP_TO ? (
            <div class="kpi-grid">
              {kpi.data.lines.map((line) => (
                <KpiCard line={line} key={line.asset} />
              ))}
            </div>
          ) : (
            <KpiTable lines={kpi.data.lines} />
          )}
        </>
      )}
    </section>
  );
}

/** More lines than this show as a table, worst OEE first. */
const CARDS_UP_TO = 6;

function KpiTable({ lines }: { lines: readonly LineKpi[] }) {
  const sorted = [...lines].sort((a, b) => (a.oee ?? 2) - (b.oee ?? 2));
  return (
    <div class="kpi-table-wrap" tabIndex={0} aria-label="Line KPIs, worst OEE first">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col" class="num">OEE</th>
            <th scope="col" class="num">Availability</th>
            <th scope="col" class="num">Performance</th>
            <th scope="col" class="num">Quality</th>
            <th scope="col" class="num">Throughput</th>
            <th scope="col" class="num">Scrap</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((l) => (
            <tr key={l.asset} data-line={l.asset}>
              <th scope="row">
                <a href={hrefOf(['machine', l.asset])}>{l.name}</a>
              </th>
              <td class="num" data-kpi="oee">
                <strong>{formatPercent(l.oee)}</strong>
              </td>
              <td class="num">{formatPercent(l.availability)}</td>
              <td class="num">{formatPercent(l.performance)}</td>
              <td class="num">{formatPercent(l.quality)}</td>
              <td class="num">
                {formatNumber(l.throughputPerHour, 0)} <span class="muted small">{l.unit}/h</span>
              </td>
              <td class="num">
                {formatNumber(l.scrap, 0)} <span class="muted small">({formatPercent(l.scrapRate)})</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KpiCard({ line }: { line: LineKpi }) {
  const total = STATES.reduce((n, s) => n + line.durations[s], 0) || 1;
  return (
    <article class="kpi-card" data-line={line.asset}>
      <header>
        <a href={hrefOf(['machine', line.asset])}>{line.name}</a>
        <span class="oee" title="OEE = availability × performance × quality">
          <span class="muted small">OEE </span>
          <strong data-kpi="oee">{formatPercent(line.oee)}</strong>
        </span>
      </header>
      <dl class="factors">
        <Factor label="Availability" value={line.availability} />
        <Factor label="Performance" value={line.performance} />
        <Factor label="Quality" value={line.quality} />
      </dl>
      <dl class="figures">
        <div>
          <dt>Throughput</dt>
          <dd data-kpi="throughput">
            {formatNumber(line.throughputPerHour, 0)} <span class="muted">{line.unit}/h</span>
          </dd>
        </div>
        <div>
          <dt>Made</dt>
          <dd>{formatNumber(line.total, 0)}</dd>
        </div>
        <div>
          <dt>Scrap</dt>
          <dd data-kpi="scrap">
            {formatNumber(line.scrap, 0)} <span class="muted">({formatPercent(line.scrapRate)})</span>
          </dd>
        </div>
      </dl>
      <div class="state-bar" role="img" aria-label={STATES.map((s) => `${s} ${formatPercent(line.durations[s] / total, 0)}`).join(', ')}>
        {STATES.map((s) => (line.durations[s] > 0 ? <span class={`seg state-${s}`} style={{ width: `${(line.durations[s] / total) * 100}%` }} title={`${s}: ${formatPercent(line.durations[s] / total)}`} key={s} /> : null))}
      </div>
      {line.notes.length > 0 && (
        <ul class="notes small muted">
          {line.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </article>
  );
}

function Factor({ label, value }: { label: string; value: number | null }) {
  return (
    <div class="factor">
      <dt>{label}</dt>
      <dd>
        <meter min={0} max={1} low={0.6} high={0.85} optimum={1} value={Math.min(1, value ?? 0)} aria-label={label} />
        <span>{formatPercent(value)}</span>
      </dd>
    </div>
  );
}

export const kpiPanel: PanelDef = { id: 'kpi', slot: 'overview', title: 'Line KPIs', order: 10, wide: true, component: KpiPanel };
