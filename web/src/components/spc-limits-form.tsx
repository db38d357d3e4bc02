import { useState } from 'preact/hooks';
import { postJson } from '../api/http.js';
import type { SpcChartPanel } from '../api/types.js';

/** Engineer tools: a new baseline from the shown period, or limits typed in. Both are audited by the node. */
export function SpcLimitsForm({ id, from, to, primary, onChanged }: { id: string; from: number; to: number; primary: SpcChartPanel | undefined; onChanged: () => void }) {
  const [center, setCenter] = useState(String(primary?.center ?? ''));
  const [ucl, setUcl] = useState(String(primary?.ucl ?? ''));
  const [lcl, setLcl] = useState(String(primary?.lcl ?? ''));
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const post = async (body: unknown, what: string): Promise<void> => {
    try {
      await postJson(`/api/v1/spc/${encodeURIComponent(id)}/baseline`, body);
      setMessage({ ok: true, text: `${what}. New points are judged against them.` });
      onChanged();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <section class="panel" aria-labelledby="limits-title" data-action="edit-spc-limits">
      <h2 id="limits-title">Control limits</h2>
      <div class="toolbar">
        <button type="button" onClick={() => void post({ from, to }, 'Limits recomputed from the shown period')}>
          New baseline from the shown period
        </button>
      </div>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void post({ limits: { chart: primary?.name, center: Number(center), ucl: Number(ucl), lcl: Number(lcl) } }, 'Limits set');
        }}
      >
        <label>
          Center
          <input type="number" step="any" required value={center} onInput={(e) => setCenter((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          UCL
          <input type="number" step="any" required value={ucl} onInput={(e) => setUcl((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          LCL
          <input type="number" step="any" required value={lcl} onInput={(e) => setLcl((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">
          Set limits
        </button>
      </form>
      {message && (
        <p class={message.ok ? 'notice' : 'notice error'} role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}
