import type { SyncStatus } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { formatAge, formatBytes, formatNumber } from '../components/format.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import type { PanelDef } from './panel-def.js';

/** Store-and-forward to the hub: backlog, last success, state. */
function SyncPanel() {
  const sync = useResource<SyncStatus>('/api/v1/sync/status', { refreshMs: 5000 });
  const s = hasData(sync) ? sync.data : null;
  return (
    <section class="panel" aria-labelledby="sync-title">
      <header class="panel-head">
        <h2 id="sync-title">Hub sync</h2>
        {s && <span class={`badge sync-${s.state}`}>{s.state}</span>}
      </header>
      <ResourceState resource={sync} capability="Hub sync" />
      {s && (
        <dl class="pairs">
          <dt>Hub</dt>
          <dd>{s.hub ?? '—'}</dd>
          <dt>Backlog</dt>
          <dd data-testid="sync-backlog">
            {formatNumber(s.backlog.items, 0)} items, {formatBytes(s.backlog.bytes)}
            {s.backlog.oldestTs ? `, oldest ${formatAge(s.backlog.oldestTs)}` : ''}
          </dd>
          <dt>Last successful sync</dt>
          <dd>{s.lastSuccess ? formatAge(s.lastSuccess) : 'never'}</dd>
          <dt>Upload rate</dt>
          <dd>{formatBytes(s.bytesPerSecond)}/s</dd>
          {s.coverHours !== undefined && (
            <>
              <dt>Outage cover</dt>
              <dd>{formatNumber(s.coverHours, 1)} h of backlog space</dd>
            </>
          )}
          <dt>Dropped</dt>
          <dd>{Object.entries(s.drops).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'}</dd>
        </dl>
      )}
    </section>
  );
}

export const syncPanel: PanelDef = { id: 'sync', slot: 'system', title: 'Hub sync', order: 40, component: SyncPanel };
