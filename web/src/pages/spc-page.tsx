import { useMemo } from 'preact/hooks';
import { queryString } from '../api/http.js';
import type { SpcCapability, SpcChartAnswer, SpcChartPanel, SpcCharacteristic } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { controlChartData, controlChartOptions } from '../charts/control-chart-options.js';
import { formatDateTime, formatPrecise, stableNow } from '../components/format.js';
import { Histogram } from '../components/histogram.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import { SpcLimitsForm } from '../components/spc-limits-form.js';
import { UPlotChart } from '../components/uplot-chart.js';
import { useEventRefresh } from '../live/use-events.js';
import { useObservable } from '../live/observable.js';
import { hrefOf, setParams, type Route } from '../router/hash-route.js';
import { can, session } from '../session/session.js';
import { site } from '../site/site-model.js';
import type { PageDef } from './page-def.js';

const RANGES = [
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { id: '24h', label: '24 h', ms: 86_400_000 },
  { id: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 d', ms: 30 * 86_400_000 },
] as const;

/** Control charts and capability of the SPC characteristics. */
function SpcPage({ route }: { route: Route }) {
  const chars = useResource<{ characteristics: SpcCharacteristic[] }>('/api/v1/spc/characteristics', { refreshMs: 15_000 });
  const list = hasData(chars) ? chars.data.characteristics : [];
  const id = route.segments[1] ?? list[0]?.id;
  const selected = list.find((c) => c.id === id);
  return (
    <div class="spc">
      <h1>SPC</h1>
      <ResourceState resource={chars} capability="SPC">
        Characteristics are declared in the site config; see the README's SPC section.
      </ResourceState>
      {hasData(chars) && (
        <div class="spc-layout">
          <nav class="panel" aria-label="Characteristics">
            <ul class="list">
              {list.map((c) => (
                <li key={c.id}>
                  <a href={hrefOf(['spc', c.id], Object.fromEntries(route.params))} aria-current={c.id === id ? 'page' : undefined}>
                    {c.name}
                  </a>
                  <span class={`badge spc-${c.status}`}>{c.status}</span>
                  <div class="muted small">
                    {c.chart} · n={c.subgroupSize} · {c.tag}
                  </div>
                </li>
              ))}
            </ul>
            {list.length === 0 && <p class="muted">No characteristics are configured.</p>}
          </nav>
          {selected ? <Characteristic c={selected} route={route} /> : <p class="muted">Pick a characteristic.</p>}
        </div>
      )}
    </div>
  );
}

function Characteristic({ c, route }: { c: SpcCharacteristic; route: Route }) {
  useObservable(session);
  const timeZone = useObservable(site)?.site.timezone;
  const range = RANGES.find((r) => r.id === route.params.get('range')) ?? RANGES[1];
  const to = stableNow(15_000);
  const from = to - range.ms;
  const q = queryString({ from, to });
  const chart = useResource<SpcChartAnswer>(`/api/v1/spc/${encodeURIComponent(c.id)}/chart${q}`, { refreshMs: 15_000 });
  const cap = useResource<SpcCapability>(`/api/v1/spc/${encodeURIComponent(c.id)}/capability${q}`, { refreshMs: 60_000 });
  useEventRefresh((e) => e.kind.startsWith('spc.') && (e.payload.characteristic === c.id || e.tag === c.tag), chart.reload);
  return (
    <div class="characteristic" data-characteristic={c.id}>
      <header class="panel-head">
        <h2>
          {c.name} <span class="muted small">{c.unit}</span>
        </h2>
        <div class="segmented" role="radiogroup" aria-label="Time range">
          {RANGES.map((r) => (
            <button type="button" role="radio" aria-checked={r.id === range.id} class={r.id === range.id ? 'active' : ''} onClick={() => setParams({ range: r.id })} key={r.id}>
              {r.label}
            </button>
          ))}
        </div>
      </header>
      <ResourceState resource={chart} capability="SPC charts" />
      {hasData(chart) && (
        <>
          {chart.data.charts.map((panel) => (
            <ControlChart panel={panel} unit={chart.data.unit} timeZone={timeZone} key={panel.name} />
          ))}
          <section class="panel" aria-labelledby="violations-title">
            <h3 id="violations-title">Rule violations ({chart.data.violations.length})</h3>
            {chart.data.violations.length === 0 ? (
              <p class="muted">No rule is violated in this period.</p>
            ) : (
              <table class="table violations">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Rule</th>
                    <th scope="col">Chart</th>
                    <th scope="col">What</th>
                  </tr>
                </thead>
                <tbody>
                  {chart.data.violations.map((v, i) => (
                    <tr key={`${v.rule}-${v.ts}-${i}`} data-rule={v.rule}>
                      <td class="nowrap">{formatDateTime(v.ts)}</td>
                      <td>
                        <span class="rule" title={v.name}>
                          {v.rule}
                        </span>
                      </td>
                      <td>{v.chart}</td>
                      <td>{v.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
      <Capability cap={cap} unit={c.unit} />
      {can('editSpcLimits') && <SpcLimitsForm key={`${c.id}|${chart.data?.charts[0]?.center}`} id={c.id} from={from} to={to} primary={chart.data?.charts[0]} onChanged={chart.reload} />}
    </div>
  );
}

function ControlChart({ panel, unit, timeZone }: { panel: SpcChartPanel; unit: string; timeZone: string | undefined }) {
  const data = useMemo(() => controlChartData(panel), [panel]);
  const options = useMemo(() => controlChartOptions(panel, unit, timeZone), [panel, unit, timeZone]);
  const marked = panel.points.filter((p) => p.violations.length > 0).length;
  return (
    <section class="panel control-chart" aria-label={`${panel.name} chart`} data-chart={panel.name} data-violations={marked}>
      <h3>
        {panel.name} chart <span class="muted small">CL {formatPrecise(panel.center)} · UCL {formatPrecise(panel.ucl)} · LCL {formatPrecise(panel.lcl)} · {panel.points.length} points</span>
      </h3>
      <UPlotChart options={options} optionsKey={`${panel.name}|${panel.center}|${panel.ucl}|${panel.lcl}|${panel.points.length}|${panel.points.at(-1)?.ts}`} data={data} height={240} label={`${panel.name} control chart with ${marked} violating points`} />
    </section>
  );
}

function Capability({ cap, unit }: { cap: ReturnType<typeof useResource<SpcCapability>>; unit: string }) {
  return (
    <section class="panel" aria-labelledby="cap-title">
      <h3 id="cap-title">Capability</h3>
      <ResourceState resource={cap} capability="SPC capability" />
      {hasData(cap) && (
        <div class="capability">
          <dl class="indices">
            {(['cp', 'cpk', 'pp', 'ppk', 'cpm'] as const).map((k) => (
              <div key={k} class={indexClass(cap.data[k])} data-index={k}>
                <dt>{k === 'cpm' ? 'Cpm' : k[0]!.toUpperCase() + k.slice(1)}</dt>
                <dd>{cap.data[k] === null ? '—' : cap.data[k]!.toFixed(2)}</dd>
              </div>
            ))}
          </dl>
          <p class="small muted">
            n = {cap.data.n} · mean {formatPrecise(cap.data.mean)} {unit} · σ within {formatPrecise(cap.data.sigmaWithin, 3)} · σ overall {formatPrecise(cap.data.sigmaOverall, 3)}
            {cap.data.cpkCi && ` · Cpk ${Math.round(cap.data.cpkCi.level * 100)} % CI ${cap.data.cpkCi.lower.toFixed(2)}–${cap.data.cpkCi.upper.toFixed(2)}`}
            {cap.data.normality && ` · ${cap.data.normality.normal ? 'normal' : 'not normal'} (Anderson–Darling p = ${cap.data.normality.p.toFixed(3)})`}
          </p>
          <Histogram cap={cap.data} unit={unit} />
          {cap.data.notes.length > 0 && (
            <ul class="notes small muted">
              {cap.data.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

/** Capable at 1.33 and above, marginal from 1.0. */
function indexClass(v: number | null): string {
  if (v === null) return 'index';
  return v >= 1.33 ? 'index good' : v >= 1 ? 'index marginal' : 'index poor';
}

export const spcPage: PageDef = { id: 'spc', title: 'SPC', segment: 'spc', shortcut: 's', nav: true, component: SpcPage };
