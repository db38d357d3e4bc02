import { queryString } from '../api/http.js';
import type { SpcCharacteristic, WireEvent } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { formatAge, stableNow } from '../components/format.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import { useEventRefresh } from '../live/use-events.js';
import { hrefOf } from '../router/hash-route.js';
import type { PanelDef } from './panel-def.js';

/** Characteristics out of control and the latest rule violations. */
function SpcViolationsPanel() {
  const chars = useResource<{ characteristics: SpcCharacteristic[] }>('/api/v1/spc/characteristics', { refreshMs: 15_000 });
  const events = useResource<{ events: WireEvent[] }>(hasData(chars) ? `/api/v1/events${queryString({ kind: 'spc.violation', limit: 8, from: stableNow() - 86_400_000 })}` : null, { refreshMs: 15_000 });
  useEventRefresh((e) => e.kind === 'spc.violation', () => {
    chars.reload();
    events.reload();
  });
  const out = hasData(chars) ? chars.data.characteristics.filter((c) => c.status === 'out-of-control') : [];
  return (
    <section class="panel" aria-labelledby="spc-v-title">
      <header class="panel-head">
        <h2 id="spc-v-title">SPC violations</h2>
        {hasData(chars) && <span class="count" data-count={out.length}>{out.length}</span>}
        <a class="more" href="#/spc">
          SPC
        </a>
      </header>
      <ResourceState resource={chars} capability="SPC" />
      {hasData(chars) && (
        <>
          {out.length === 0 ? (
            <p class="muted">All {chars.data.characteristics.length} characteristics are in control.</p>
          ) : (
            <ul class="list">
              {out.map((c) => (
                <li key={c.id}>
                  <a href={hrefOf(['spc', c.id])}>{c.name}</a> <span class="badge bad">out of control</span>
                  {c.lastViolation && (
                    <div class="muted small">
                      {c.lastViolation.rule}: {c.lastViolation.message} · {formatAge(c.lastViolation.ts)}
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )}
          {hasData(events) && events.data.events.length > 0 && (
            <>
              <h3 class="small">Latest violations (24 h)</h3>
              <ul class="list small">
                {events.data.events.map((e) => (
                  <li key={e.id}>
                    <span class="rule">{String(e.payload.rule ?? '')}</span> {e.message} <span class="muted">· {formatAge(Date.parse(e.ts))}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}

export const spcViolationsPanel: PanelDef = { id: 'spc-violations', slot: 'overview', title: 'SPC violations', order: 30, component: SpcViolationsPanel };
