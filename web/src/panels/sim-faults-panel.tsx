import { useState } from 'preact/hooks';
import { postJson, request } from '../api/http.js';
import type { SimFault, TagDefinition } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { formatAge } from '../components/format.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import { useObservable } from '../live/observable.js';
import { can, session } from '../session/session.js';
import type { PanelDef } from './panel-def.js';

const KINDS = [
  { id: 'drift', label: 'Drift', amount: 'rate', hint: 'units per minute' },
  { id: 'step', label: 'Step', amount: 'magnitude', hint: 'offset in units' },
  { id: 'spike', label: 'Spike', amount: 'magnitude', hint: 'height in units' },
  { id: 'noise', label: 'Noise', amount: 'magnitude', hint: 'sigma in units' },
  { id: 'stuck', label: 'Stuck', amount: null, hint: 'holds the last value' },
] as const;

/** Simulator faults: everyone sees the active ones, engineers inject and clear them. */
function SimFaultsPanel({ assetPath }: { assetPath?: string }) {
  useObservable(session);
  const faults = useResource<{ faults: SimFault[] }>('/api/v1/sim/faults', { refreshMs: 5000, absentCodes: ['NOT_FOUND', 'SIM_NOT_RUNNING'] });
  const mayInject = can('injectFault');
  const tags = useResource<{ tags: TagDefinition[] }>(`/api/v1/tags${assetPath ? `?asset=${encodeURIComponent(assetPath)}` : ''}`);
  const here = new Set(hasData(tags) ? tags.data.tags.map((t) => t.id) : []);
  const list = hasData(faults) ? faults.data.faults.filter((f) => !assetPath || here.has(f.address)) : [];
  return (
    <section class="panel" aria-labelledby="faults-title">
      <header class="panel-head">
        <h2 id="faults-title">Simulator faults</h2>
      </header>
      <ResourceState resource={faults} capability="The simulator" />
      {hasData(faults) && (
        <>
          {list.length === 0 ? (
            <p class="muted">No active faults.</p>
          ) : (
            <ul class="list small">
              {list.map((f) => (
                <li key={f.id}>
                  <strong>{f.kind}</strong> on <code>{f.address}</code> since {formatAge(f.start)}
                  {mayInject && (
                    <button type="button" class="small" onClick={() => void request(`/api/v1/sim/faults/${encodeURIComponent(f.id)}`, { method: 'DELETE' }).then(faults.reload)}>
                      Clear
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {mayInject && <InjectForm tags={hasData(tags) ? tags.data.tags : []} onDone={faults.reload} />}
        </>
      )}
    </section>
  );
}

function InjectForm({ tags, onDone }: { tags: readonly TagDefinition[]; onDone: () => void }) {
  const [signal, setSignal] = useState('');
  const [kind, setKind] = useState<(typeof KINDS)[number]['id']>('step');
  const [amount, setAmount] = useState('1');
  const [minutes, setMinutes] = useState('5');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const spec = KINDS.find((k) => k.id === kind)!;
  // Measured signals first: a fault on a state or counter is rarely what an engineer means.
  const numeric = [...tags.filter((t) => t.dataType === 'number'), ...tags.filter((t) => t.dataType === 'integer' || t.dataType === 'boolean')];
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const body: Record<string, unknown> = { signal: signal || numeric[0]?.id, type: kind, durationMs: Number(minutes) * 60_000 };
    if (spec.amount) body[spec.amount] = Number(amount);
    try {
      const { id } = await postJson<{ id: string }>('/api/v1/sim/faults', body);
      setMessage({ ok: true, text: `Fault ${id} injected.` });
      onDone();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-label="Inject a simulator fault" data-action="inject-fault">
      <label>
        Signal
        <select value={signal || numeric[0]?.id} onChange={(e) => setSignal((e.target as HTMLSelectElement).value)}>
          {numeric.map((t) => (
            <option value={t.id} key={t.id}>
              {t.id}
            </option>
          ))}
        </select>
      </label>
      <label>
        Fault
        <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as typeof kind)}>
          {KINDS.map((k) => (
            <option value={k.id} key={k.id}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      {spec.amount && (
        <label title={spec.hint}>
          {spec.amount === 'rate' ? 'Rate' : 'Magnitude'}
          <input type="number" step="any" required value={amount} onInput={(e) => setAmount((e.target as HTMLInputElement).value)} />
        </label>
      )}
      <label>
        Minutes
        <input type="number" min={0} step="any" value={minutes} onInput={(e) => setMinutes((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" class="primary">
        Inject fault
      </button>
      {message && (
        <p class={message.ok ? 'notice' : 'notice error'} role="status">
          {message.text}
        </p>
      )}
    </form>
  );
}

export const simFaultsPanel: PanelDef = { id: 'sim-faults', slot: 'system', title: 'Simulator faults', order: 60, component: SimFaultsPanel };
export const machineFaultsPanel: PanelDef = { id: 'machine-faults', slot: 'machine', title: 'Simulator faults', order: 30, component: SimFaultsPanel };
