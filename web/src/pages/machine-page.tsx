import { useEffect, useMemo } from 'preact/hooks';
import { getJson, queryString } from '../api/http.js';
import { runQuery, sqlList } from '../api/sql.js';
import type { TagDefinition, WireSample } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { formatAge, formatValue } from '../components/format.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import { PanelGrid } from '../components/panel-grid.js';
import { Sparkline } from '../components/sparkline.js';
import { SetpointControl } from '../components/setpoint-control.js';
import { QualityBadge, StateBadge } from '../components/state-badge.js';
import { RANGES, TrendPanel, type RangeId } from '../components/trend-panel.js';
import { liveValues } from '../live/live-values.js';
import { useObservable } from '../live/observable.js';
import { useLiveTags } from '../live/use-live.js';
import { hrefOf, setParams, type Route } from '../router/hash-route.js';
import { can, session } from '../session/session.js';
import { machineState, site } from '../site/site-model.js';
import type { PageDef } from './page-def.js';

const SPARK_MS = 5 * 60_000;
let firstValueMarked = false;

/** One asset: its tags live with units, quality and sparklines, a trend of the tags the operator picks, and its panels. */
function MachinePage({ route }: { route: Route }) {
  const path = route.segments.slice(1).join('/');
  const s = useObservable(site);
  const asset = s?.assets.find((a) => a.path === path);
  const tags = useResource<{ tags: TagDefinition[] }>(path ? `/api/v1/tags${queryString({ asset: path })}` : null);
  const defs = useMemo(() => (hasData(tags) ? tags.data.tags : []), [tags.data]);
  const ids = useMemo(() => defs.map((t) => t.id), [defs]);
  const version = useLiveTags(ids);
  useObservable(session);
  // Engineers write setpoints from here; everyone else sees the same table without the column.
  const setColumn = can('writeSetpoint') && defs.some((t) => t.writable);
  const numeric = useMemo(() => defs.filter((t) => t.dataType !== 'string'), [defs]);
  // Any tag of the site can join the trend, not only this asset's.
  const everyTag = useResource<{ tags: TagDefinition[] }>('/api/v1/tags');
  const candidates = useMemo(() => (hasData(everyTag) ? everyTag.data.tags.filter((t) => t.dataType !== 'string') : numeric), [everyTag.data, numeric]);

  // The newest values by asset, fetched alongside the tag list rather than after it: the first value shows one round trip sooner.
  useEffect(() => {
    if (!path) return;
    getJson<{ samples: WireSample[] }>(`/api/v1/latest${queryString({ asset: path })}`).then((r) => liveValues.apply(r.samples, false), () => {});
  }, [path]);

  // Sparklines start with the last minutes from the store, then grow from the stream.
  useEffect(() => {
    if (numeric.length === 0) return;
    const sql = `SELECT tag, epoch_ms(ts) AS t, value FROM samples WHERE tag IN (${sqlList(numeric.map((t) => t.id))}) AND ts >= epoch_ms(${Date.now() - SPARK_MS}) AND value IS NOT NULL ORDER BY ts`;
    runQuery(sql, 50_000).then(
      (r) => {
        const by = new Map<string, { t: number[]; v: number[] }>();
        for (const [tag, t, v] of r.rows) {
          const h = by.get(String(tag)) ?? { t: [], v: [] };
          h.t.push(Number(t));
          h.v.push(Number(v));
          by.set(String(tag), h);
        }
        for (const [tag, h] of by) liveValues.seed(tag, h.t, h.v);
      },
      () => {},
    );
  }, [numeric]);

  // By default the first measured signal: not the state, not a counter.
  const firstAnalog = numeric.find((t) => t.dataType === 'number' && t.id !== asset?.stateTag) ?? numeric[0];
  const picked = (route.params.get('trend') ?? firstAnalog?.id ?? '').split(',').filter((id) => candidates.some((t) => t.id === id));
  const trendTags = useMemo(() => picked.map((id) => candidates.find((t) => t.id === id)!), [candidates, picked.join(',')]);
  const rangeParam = route.params.get('range');
  const range = (rangeParam === 'custom' || RANGES.some((r) => r.id === rangeParam) ? rangeParam : 'live') as RangeId;
  const customFrom = Number(route.params.get('from'));
  const customTo = Number(route.params.get('to'));
  const custom = customFrom > 0 && customTo > customFrom ? { from: customFrom, to: customTo } : undefined;
  const toggle = (id: string): void => {
    const next = picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id];
    setParams({ trend: next.join(',') || undefined });
  };
  const state = asset?.stateTag ? machineState(asset, liveValues.latest(asset.stateTag)?.value) : undefined;
  const now = Date.now();

  if (!firstValueMarked && ids.some((id) => liveValues.latest(id))) {
    firstValueMarked = true;
    performance.mark('fabrik:first-value');
  }

  if (!path) {
    return (
      <div class="machine">
        <h1>Machines</h1>
        <ul class="list">
          {(s?.assets ?? []).filter((a) => a.stateTag).map((a) => (
            <li key={a.path}>
              <a href={hrefOf(['machine', a.path])}>{a.name}</a> <span class="muted small">{a.path}</span>
            </li>
          ))}
        </ul>
      </div>
    );
  }

  return (
    <div class="machine">
      <header class="page-head">
        <nav aria-label="Breadcrumb" class="crumbs">
          {path.split('/').map((seg, i, all) => (
            <span key={i}>
              {i > 0 && ' / '}
              <a href={hrefOf(['machine', all.slice(0, i + 1).join('/')])}>{seg}</a>
            </span>
          ))}
        </nav>
        <h1>
          {asset?.name ?? path} {asset?.stateTag && <StateBadge state={state} />}
        </h1>
        {asset?.description && <p class="muted">{asset.description}</p>}
      </header>
      <section class="panel" aria-labelledby="tags-title">
        <header class="panel-head">
          <h2 id="tags-title">Live values</h2>
          <span class="muted small">{ids.length} tags</span>
        </header>
        <ResourceState resource={tags} capability="Tags" />
        {hasData(tags) && defs.length === 0 && <p class="muted">No tags at or below this asset.</p>}
        {defs.length > 0 && (
          <table class="table live-values">
            <thead>
              <tr>
                <th scope="col">Trend</th>
                <th scope="col">Tag</th>
                <th scope="col" class="num">Value</th>
                <th scope="col">Quality</th>
                <th scope="col">Updated</th>
                <th scope="col">Last 5 min</th>
                {setColumn && <th scope="col">Set</th>}
              </tr>
            </thead>
            <tbody>
              {defs.map((t) => {
                const s = liveValues.latest(t.id);
                return (
                  <tr key={t.id} data-tag={t.id}>
                    <td>
                      {t.dataType !== 'string' && <input type="checkbox" checked={picked.includes(t.id)} onChange={() => toggle(t.id)} aria-label={`Trend ${t.id}`} />}
                    </td>
                    <th scope="row">
                      <div>{t.id}</div>
                      <div class="muted small">{t.description}</div>
                    </th>
                    <td class="num value" data-value={s ? String(s.value) : ''}>
                      {formatValue(s?.value)} <span class="unit">{t.unit}</span>
                    </td>
                    <td>
                      <QualityBadge quality={s?.quality} />
                    </td>
                    <td class="small">{s ? formatAge(s.ts, now) : '—'}</td>
                    <td>{t.dataType !== 'string' && <Sparkline tag={t.id} version={version} windowMs={SPARK_MS} />}</td>
                    {setColumn && <td>{t.writable && <SetpointControl tag={t} />}</td>}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <TrendPanel
        tags={trendTags}
        range={range}
        custom={custom}
        onRange={(r, c) => setParams({ range: r === 'live' ? undefined : r, from: c?.from, to: c?.to })}
        candidates={candidates}
        onTags={(next) => setParams({ trend: next.join(',') || undefined })}
      />
      <PanelGrid slot="machine" assetPath={path} />
    </div>
  );
}

export const machinePage: PageDef = { id: 'machine', title: 'Machine', segment: 'machine', shortcut: 'm', nav: false, component: MachinePage };
