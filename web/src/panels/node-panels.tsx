import type { SystemAnswer } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { formatAge, formatBytes, formatDateTime, formatDuration, formatNumber } from '../components/format.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import type { PanelDef } from './panel-def.js';

const SYSTEM = '/api/v1/system';

/** The node: site, version, uptime, applied config. */
function NodePanel() {
  const sys = useResource<SystemAnswer>(SYSTEM, { refreshMs: 5000 });
  return (
    <section class="panel" aria-labelledby="node-title">
      <header class="panel-head">
        <h2 id="node-title">Node</h2>
        {hasData(sys) && <span class={`badge health-${sys.data.health.status}`} data-health={sys.data.health.status}>{sys.data.health.status}</span>}
      </header>
      <ResourceState resource={sys} capability="System status" />
      {hasData(sys) && (
        <dl class="pairs">
          <dt>Site</dt>
          <dd>{sys.data.node.siteId}</dd>
          <dt>Node</dt>
          <dd>{sys.data.node.nodeName ?? '—'}</dd>
          <dt>Version</dt>
          <dd>{sys.data.node.version}</dd>
          <dt>Up for</dt>
          <dd>{formatDuration(sys.data.node.uptimeMs)} (since {formatDateTime(sys.data.node.startedAt)})</dd>
          <dt>Applied config</dt>
          <dd>
            <code data-testid="config-digest">{sys.data.config.version ?? sys.data.config.digest ?? 'none'}</code>
          </dd>
        </dl>
      )}
    </section>
  );
}

/** Every part's health: the store and each adapter's connection. */
function HealthPanel() {
  const sys = useResource<SystemAnswer>(SYSTEM, { refreshMs: 5000 });
  const parts = hasData(sys) ? Object.entries(sys.data.health.components) : [];
  return (
    <section class="panel" aria-labelledby="health-title">
      <header class="panel-head">
        <h2 id="health-title">Adapters and parts</h2>
      </header>
      <ResourceState resource={sys} capability="System status" />
      {hasData(sys) && (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Part</th>
              <th scope="col">State</th>
              <th scope="col">Since</th>
              <th scope="col" class="num">Restarts</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {parts.map(([name, h]) => (
              <tr key={name} data-part={name}>
                <th scope="row">{name}</th>
                <td>
                  <span class={`badge part-${h.state}`}>{h.state}</span>
                </td>
                <td>{formatAge(h.since)}</td>
                <td class="num">{h.restarts ?? 0}</td>
                <td class="small">{h.message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Ingest totals and rate, store size and rows, stream clients. */
function IngestPanel() {
  const sys = useResource<SystemAnswer>(SYSTEM, { refreshMs: 2000 });
  const d = hasData(sys) ? sys.data : null;
  return (
    <section class="panel" aria-labelledby="ingest-title">
      <header class="panel-head">
        <h2 id="ingest-title">Ingest and store</h2>
      </header>
      <ResourceState resource={sys} capability="System status" />
      {d && (
        <dl class="pairs">
          <dt>Ingest rate</dt>
          <dd data-testid="ingest-rate">{d.ingest.perSecond === null ? 'measuring…' : `${formatNumber(d.ingest.perSecond, 1)} samples/s`}</dd>
          <dt>Received / stored</dt>
          <dd>
            {formatNumber(d.ingest.received, 0)} / {formatNumber(d.ingest.stored, 0)}
          </dd>
          <dt>Filtered or dropped</dt>
          <dd>
            {formatNumber(d.ingest.dropped, 0)}
            {d.ingest.droppedByReason && Object.keys(d.ingest.droppedByReason).length > 0 && (
              <span class="muted small">
                {' '}
                ({Object.entries(d.ingest.droppedByReason)
                  .filter(([, n]) => n > 0)
                  .map(([reason, n]) => `${reason} ${formatNumber(n, 0)}`)
                  .join(', ')})
              </span>
            )}
          </dd>
          <dt>Queued for the store</dt>
          <dd>{formatNumber(d.ingest.queued, 0)}</dd>
          <dt>Store size</dt>
          <dd data-testid="store-size">{formatBytes(d.store?.fileBytes)}</dd>
          <dt>Rows (raw / rollup)</dt>
          <dd>
            {formatNumber(d.store?.rowsRaw, 0)} / {formatNumber(d.store?.rowsRollup, 0)}
          </dd>
          <dt>Archive</dt>
          <dd>
            {formatNumber(d.store?.archiveFiles, 0)} Parquet files, {formatNumber(d.store?.archivedRows, 0)} rows
          </dd>
          <dt>Stream clients</dt>
          <dd>{formatNumber(d.stream.clients, 0)}</dd>
        </dl>
      )}
    </section>
  );
}

export const nodePanel: PanelDef = { id: 'node', slot: 'system', title: 'Node', order: 10, component: NodePanel };
export const ingestPanel: PanelDef = { id: 'ingest', slot: 'system', title: 'Ingest and store', order: 20, component: IngestPanel };
export const healthPanel: PanelDef = { id: 'health', slot: 'system', title: 'Adapters and parts', order: 30, wide: true, component: HealthPanel };
