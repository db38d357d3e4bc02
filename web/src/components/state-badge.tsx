import type { MachineState } from '../api/types.js';

const LABEL: Record<MachineState | 'unknown', string> = { running: 'Running', idle: 'Idle', faulted: 'Faulted', off: 'Off', unknown: 'Unknown' };

/** A machine state as colour, shape and word, so it reads without colour too. */
export function StateBadge({ state }: { state: MachineState | undefined }) {
  const s = state ?? 'unknown';
  return (
    <span class={`state state-${s}`} data-state={s}>
      <span class="state-dot" aria-hidden="true" />
      {LABEL[s]}
    </span>
  );
}

export function QualityBadge({ quality }: { quality: 'good' | 'uncertain' | 'bad' | undefined }) {
  if (!quality) return <span class="muted">—</span>;
  return <span class={`quality quality-${quality}`}>{quality}</span>;
}
