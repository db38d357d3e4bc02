import { useState } from 'preact/hooks';
import { storedHubToken, storeHubToken, useHub, type HubRollup, type HubSiteFigures, type HubTag } from '../api/hub.js';
import type { SyncStatus } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { formatAge, formatDateTime, formatNumber, formatPercent } from '../components/format.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import { setParams, type Route } from '../router/hash-route.js';
import type { PageDef } from './page-def.js';

const DAY = 86_400_000;

/** The cloud hub this node syncs to: every site side by side, and a site's rollups to drill into. */
function HubPage({ route }: { route: Route }) {
  const sync = useResource<SyncStatus>('/api/v1/sync/status');
  const [token, setToken] = useState(storedHubToken);
  const hub = hasData(sync) ? sync.data.hub : undefined;
  const use = (t: string): void => {
    storeHubToken(t);
    setToken(t);
  };
  return (
    <div class="hub">
      <h1>Hub</h1>
      <ResourceState resource={sync} capability="Hub sync" />
      {hasData(sync) && !hub && (
        <section class="panel">
          <p class="notice" data-state="not-enabled">
            This site syncs to no hub: set <code>sync.hub</code> in the site config (see the README, "Cloud hub and sync").
          </p>
        </section>
      )}
      {hub && !token && <HubTokenForm hub={hub} onToken={use} />}
      {hub && token && <HubSites hub={hub} token={token} route={route} onSignOut={() => use('')} />}
    </div>
  );
}

function HubTokenForm({ hub, onToken }: { hub: string; onToken: (t: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <section class="panel" aria-label="Hub token">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onToken(value.trim());
        }}
      >
        <p>
          The hub at <code>{hub}</code> has its own tokens: paste a hub viewer or admin token (<code>data/hub/secrets/hub-admin.token</code> for the demo hub).
        </p>
        <label>
          Hub token <input type="password" autocomplete="off" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={!value.trim()}>
          Use token
        </button>
      </form>
    </section>
  );
}

function HubSites({ hub, token, route, onSignOut }: { hub: string; token: string; route: Route; onSignOut: () => void }) {
  const [now] = useState(() => Math.floor(Date.now() / 60_000) * 60_000);
  const sites = useHub<{ sites: HubSiteFigures[] }>(hub, token, `/analytics/sites?from=${now - DAY}&to=${now + 60_000}`, 15_000);
  const site = route.params.get('site');
  if (sites.status === 'error') {
    return (
      <section class="panel">
        <p class="notice" role="alert">{sites.message}</p>
        {sites.unauthorized && (
          <button type="button" onClick={onSignOut}>
            Use another hub token
          </button>
        )}
      </section>
    );
  }
  return (
    <>
      <section class="panel" aria-label="Sites side by side">
        <header class="panel-head">
          <h2>Sites, last 24 h</h2>
          <span class="muted">{hub}</span>
        </header>
        {sites.status === 'loading' && <p class="muted">Loading…</p>}
        {sites.status === 'ready' && (
          <table class="table" data-testid="hub-sites">
            <thead>
              <tr>
                <th>Site</th>
                <th>Last contact</th>
                <th>OEE</th>
                <th>Units</th>
                <th>Scrap</th>
                <th>SPC violations</th>
                <th>per hour</th>
                <th>Anomalies</th>
                <th>Alarms</th>
                <th>Rollups</th>
              </tr>
            </thead>
            <tbody>
              {sites.data.sites.map((s) => (
                <tr key={s.siteId} aria-selected={s.siteId === site}>
                  <td>
                    <a href="#" onClick={(e) => (e.preventDefault(), setParams({ site: s.siteId, tag: undefined }))}>
                      {s.name} ({s.siteId})
                    </a>
                  </td>
                  <td>{s.lastContact ? formatAge(s.lastContact) : 'never'}</td>
                  <td>{formatPercent(s.oee)}</td>
                  <td>{formatNumber(s.units, 0)}</td>
                  <td>{formatPercent(s.scrapRate)}</td>
                  <td>{s.spcViolations}</td>
                  <td>{formatNumber(s.spcViolationsPerHour, 2)}</td>
                  <td>{s.anomalies}</td>
                  <td>{s.alarms}</td>
                  <td>{formatNumber(s.rollups, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {site && <SiteTags hub={hub} token={token} site={site} tag={route.params.get('tag')} now={now} />}
    </>
  );
}

function SiteTags({ hub, token, site, tag, now }: { hub: string; token: string; site: string; tag: string | null; now: number }) {
  const tags = useHub<{ tags: HubTag[] }>(hub, token, `/analytics/sites/${encodeURIComponent(site)}/tags`);
  const rollups = useHub<{ rows: HubRollup[] }>(hub, token, tag ? `/analytics/sites/${encodeURIComponent(site)}/rollups?tag=${encodeURIComponent(tag)}&from=${now - DAY}&to=${now + 60_000}&limit=1440` : null);
  return (
    <section class="panel" aria-label={`Rollups of ${site}`}>
      <header class="panel-head">
        <h2>{site}: rollups</h2>
      </header>
      {tags.status === 'error' && <p class="notice">{tags.message}</p>}
      {tags.status === 'ready' && (
        <label>
          Tag{' '}
          <select value={tag ?? ''} onChange={(e) => setParams({ tag: (e.target as HTMLSelectElement).value })}>
            <option value="">choose a tag…</option>
            {tags.data.tags.map((t) => (
              <option value={t.tag} key={t.tag}>
                {t.tag} ({t.minutes} min{t.unit ? `, ${t.unit}` : ''})
              </option>
            ))}
          </select>
        </label>
      )}
      {tag && rollups.status === 'ready' && (
        <table class="table" data-testid="hub-rollups">
          <thead>
            <tr>
              <th>Minute</th>
              <th>Count</th>
              <th>Min</th>
              <th>Avg</th>
              <th>Max</th>
              <th>Good</th>
              <th>Backfill</th>
            </tr>
          </thead>
          <tbody>
            {rollups.data.rows
              .slice()
              .reverse()
              .map((r) => (
                <tr key={r.bucket}>
                  <td>{formatDateTime(r.bucket)}</td>
                  <td>{r.count}</td>
                  <td>{formatNumber(r.min)}</td>
                  <td>{formatNumber(r.avg)}</td>
                  <td>{formatNumber(r.max)}</td>
                  <td>{r.good}</td>
                  <td>{r.backfill ? 'yes' : ''}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export const hubPage: PageDef = { id: 'hub', title: 'Hub', segment: 'hub', shortcut: 'h', nav: true, component: HubPage };
