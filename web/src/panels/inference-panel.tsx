import { queryString } from '../api/http.js';
import type { WireEvent } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { formatAge, stableNow } from '../components/format.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import { useEventRefresh } from '../live/use-events.js';
import type { PanelDef } from './panel-def.js';

/** Route whose presence says the node runs inference. */
export const INFERENCE_ROUTE = '/api/v1/inference/models';

const isAiEvent = (e: Pick<WireEvent, 'kind'>): boolean => e.kind.startsWith('anomaly') || e.kind.startsWith('inspection') || e.kind.startsWith('inference');

/** Anomalies and inspections of the last 24 h, while the node runs inference. */
function AnomaliesPanel() {
  const models = useResource<unknown>(INFERENCE_ROUTE, { refreshMs: 60_000 });
  const events = useResource<{ events: WireEvent[] }>(hasData(models) ? `/api/v1/events${queryString({ limit: 500, from: stableNow() - 86_400_000 })}` : null, { refreshMs: 30_000 });
  useEventRefresh(isAiEvent, events.reload);
  const list = hasData(events) ? events.data.events.filter(isAiEvent).slice(0, 10) : [];
  return (
    <section class="panel" aria-labelledby="ai-title">
      <header class="panel-head">
        <h2 id="ai-title">Anomalies & inspections</h2>
      </header>
      <ResourceState resource={models} capability="AI inference" />
      {hasData(models) && (list.length === 0 ? <p class="muted">Nothing in the last 24 h.</p> : (
        <ul class="list small">
          {list.map((e) => (
            <li key={e.id}>
              <span class={`sev sev-${e.severity}`}>{e.severity}</span> {e.message} <span class="muted">· {e.assetPath} · {formatAge(Date.parse(e.ts))}</span>
            </li>
          ))}
        </ul>
      ))}
    </section>
  );
}

/** The models the node runs (whatever fields the inference route gives). */
function ModelsPanel() {
  const models = useResource<{ models?: Record<string, unknown>[] } | Record<string, unknown>[]>(INFERENCE_ROUTE, { refreshMs: 30_000 });
  const list = hasData(models) ? (Array.isArray(models.data) ? models.data : (models.data.models ?? [])) : [];
  return (
    <section class="panel" aria-labelledby="models-title">
      <header class="panel-head">
        <h2 id="models-title">Inference models</h2>
      </header>
      <ResourceState resource={models} capability="AI inference" />
      {hasData(models) &&
        (list.length === 0 ? (
          <p class="muted">No models registered.</p>
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Version</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {list.map((m, i) => (
                <tr key={String(m.id ?? i)}>
                  <td>{String(m.name ?? m.id ?? '—')}</td>
                  <td>{String(m.version ?? '—')}</td>
                  <td>{String(m.state ?? m.status ?? (m.shadow ? 'shadow' : '—'))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

export const anomaliesPanel: PanelDef = { id: 'anomalies', slot: 'overview', title: 'Anomalies & inspections', order: 40, component: AnomaliesPanel };
export const modelsPanel: PanelDef = { id: 'models', slot: 'system', title: 'Inference models', order: 50, component: ModelsPanel };
