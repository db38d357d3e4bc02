import { Counter, Gauge, type Registry } from 'prom-client';
import type { FabrikEvent } from '../core/index.js';
import type { QualityRuntime } from './quality-wiring.js';

/**
 * Prometheus series of SPC and alarms: violations and alarm activations as
 * they are recorded, characteristic and alarm states and webhook counters read
 * from the running runtime at scrape time.
 */
export function trackQuality(registry: Registry, runtime: () => QualityRuntime): (e: FabrikEvent) => void {
  const violations = new Counter({ name: 'fabrik_spc_violations_total', help: 'SPC violation events, by characteristic', labelNames: ['characteristic'], registers: [registry] });
  const activations = new Counter({ name: 'fabrik_alarm_activations_total', help: 'Alarms that became active, by priority', labelNames: ['priority'], registers: [registry] });
  new Gauge({
    name: 'fabrik_spc_characteristics',
    help: 'Characteristics by status (baseline, in-control, out-of-control, insufficient-data)',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of runtime().live?.statuses() ?? []) this.inc({ status: s.status });
    },
  });
  new Gauge({
    name: 'fabrik_alarms',
    help: 'Alarms by ISA-18.2 state; shelved and suppressed ones separately',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of runtime().board?.list('configured') ?? []) {
        this.inc({ state: a.state });
        if (a.shelvedUntil !== undefined) this.inc({ state: 'shelved' });
        if (a.suppressed) this.inc({ state: 'suppressed' });
      }
    },
  });
  new Gauge({
    name: 'fabrik_alarms_last_10_minutes',
    help: 'Alarm activations in the last 10 minutes per operator area (ISA-18.2 flood measure)',
    labelNames: ['area'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of runtime().board?.rates() ?? []) this.set({ area: r.area }, r.last10Minutes);
    },
  });
  new Gauge({
    name: 'fabrik_webhook_events',
    help: 'Webhook deliveries by outcome (sent, failed, dropped, queued)',
    labelNames: ['webhook', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of runtime().notifications.stats()) for (const o of ['sent', 'failed', 'dropped', 'queued'] as const) this.set({ webhook: w.name, outcome: o }, w[o]);
    },
  });
  return (e) => {
    if (e.kind === 'spc.violation') violations.inc({ characteristic: String(e.payload['characteristic']) });
    else if (e.kind === 'alarm.active') activations.inc({ priority: String(e.payload['priority']) });
  };
}
