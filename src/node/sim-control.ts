import type { SimControl } from '../api/index.js';
import { FabrikError } from '../core/index.js';
import type { FaultSpec, Plant } from '../sim/index.js';

interface FaultRequest {
  signal: string;
  type: FaultSpec['kind'];
  magnitude?: number;
  rate?: number;
  durationMs?: number;
}

const NEEDS: Record<FaultSpec['kind'], 'magnitude' | 'rate' | null> = { drift: 'rate', step: 'magnitude', spike: 'magnitude', noise: 'magnitude', stuck: null };

/** Maps the API's fault request onto the simulator's fault spec (the plant validates the rest). */
export function toFaultSpec(req: FaultRequest): FaultSpec {
  const need = NEEDS[req.type];
  const amount = need ? req[need] : undefined;
  if (need && (amount === undefined || !Number.isFinite(amount))) {
    throw new FabrikError('SIM_INVALID_FAULT', `a ${req.type} fault needs "${need}" (${req.type === 'drift' ? 'units per minute' : 'engineering units'})`);
  }
  const timing = { address: req.signal, ...(req.durationMs !== undefined ? { durationMs: req.durationMs } : {}) };
  switch (req.type) {
    case 'drift':
      return { ...timing, kind: 'drift', ratePerMinute: amount! };
    case 'step':
      return { ...timing, kind: 'step', offset: amount! };
    case 'spike':
      return { ...timing, kind: 'spike', magnitude: amount! };
    case 'noise':
      return { ...timing, kind: 'noise', sigma: amount! };
    case 'stuck':
      return { ...timing, kind: 'stuck' };
  }
}

export function simControl(plant: Plant): SimControl {
  return {
    injectFault: (spec) => ({ id: plant.injectFault(toFaultSpec(spec as FaultRequest)) }),
    clearFault: (id) => plant.clearFault(id),
    faults: () => plant.faults().map((f) => ({ ...f, end: Number.isFinite(f.end) ? f.end : null })),
  };
}
