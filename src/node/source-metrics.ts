import { Gauge, type Registry } from 'prom-client';
import type { ComponentHealth } from '../core/index.js';

// Counters sources report in their health details (the OPC UA adapter reports all of them).
const COUNTS = ['gaps', 'duplicatesDropped', 'sessions', 'notifications', 'badItems', 'droppedBatches'] as const;

/**
 * Fills the per-source series from the sources' health at scrape time:
 * `fabrik_source_up{source}` (1 up or degraded), `fabrik_source_restarts{source}`,
 * `fabrik_source_count{source,count}` for the counters above and
 * `fabrik_source_faults{source,cause}` for bad input counted by cause.
 */
export function trackSources(registry: Registry, series: { up: Gauge<'source'>; restarts: Gauge<'source'> }, read: () => Record<string, ComponentHealth>): void {
  const fill = (): void => {
    series.up.reset();
    series.restarts.reset();
    counts.reset();
    faults.reset();
    for (const [source, h] of Object.entries(read())) {
      series.up.set({ source }, h.state === 'up' || h.state === 'degraded' ? 1 : 0);
      series.restarts.set({ source }, h.restarts ?? 0);
      const d = h.details ?? {};
      for (const count of COUNTS) if (typeof d[count] === 'number') counts.set({ source, count }, d[count]);
      const byCause = d['faults'];
      if (byCause && typeof byCause === 'object') for (const [cause, n] of Object.entries(byCause)) if (typeof n === 'number') faults.set({ source, cause }, n);
    }
  };
  const counts = new Gauge({ name: 'fabrik_source_count', help: 'Totals a source reports: gaps marked, duplicates dropped, sessions opened, notifications, refused items, dropped batches', labelNames: ['source', 'count'], registers: [registry] });
  const faults = new Gauge({ name: 'fabrik_source_faults', help: 'Bad input and failures a source counted, by cause', labelNames: ['source', 'cause'], registers: [registry] });
  // prom-client runs a metric's collect() on every scrape; `up` is registered (so read) before the others it fills.
  (series.up as unknown as { collect?: () => void }).collect = fill;
}
