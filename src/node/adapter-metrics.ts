import { Gauge, type Registry } from 'prom-client';
import type { ComponentHealth } from '../core/index.js';

/**
 * `fabrik_adapter_faults{device,cause}`: the faults and bad input each running
 * source counts (Modbus exceptions and timeouts, malformed or oversized MQTT
 * payloads, Sparkplug sequence gaps…), read from the sources' health at scrape
 * time. A gauge, since a restarted source starts counting again.
 */
export function trackAdapterFaults(registry: Registry, health: () => Record<string, ComponentHealth>): void {
  new Gauge({
    name: 'fabrik_adapter_faults',
    help: 'Faults and bad input counted by each device source since it (re)started, by cause',
    labelNames: ['device', 'cause'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [device, h] of Object.entries(health())) {
        const counts = (h.details?.['faults'] ?? h.details?.['badInput']) as Record<string, number> | undefined;
        if (!counts || typeof counts !== 'object') continue;
        for (const [cause, n] of Object.entries(counts)) if (typeof n === 'number') this.set({ device, cause }, n);
      }
    },
  });
}
