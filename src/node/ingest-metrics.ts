import { Counter, Gauge, type Registry } from 'prom-client';

/** The node's own Prometheus series: what came in, what was stored, what was dropped. */
export function createIngestMetrics(registry: Registry) {
  return {
    samplesIn: new Counter({ name: 'fabrik_samples_received_total', help: 'Samples received from sources', labelNames: ['source'], registers: [registry] }),
    samplesStored: new Counter({ name: 'fabrik_samples_stored_total', help: 'Samples durably stored', registers: [registry] }),
    samplesDropped: new Counter({ name: 'fabrik_samples_dropped_total', help: 'Samples dropped, by reason', labelNames: ['reason'], registers: [registry] }),
    eventsStored: new Counter({ name: 'fabrik_events_stored_total', help: 'Events durably stored', registers: [registry] }),
    eventsLost: new Counter({ name: 'fabrik_events_store_failed_total', help: 'Events published but not stored: every write attempt failed', registers: [registry] }),
    storeErrors: new Counter({ name: 'fabrik_store_write_errors_total', help: 'Failed store writes (retried)', registers: [registry] }),
    queueDepth: new Gauge({ name: 'fabrik_ingest_queue_samples', help: 'Samples waiting for the store', registers: [registry] }),
    sourceUp: new Gauge({ name: 'fabrik_source_up', help: '1 when the source is up', labelNames: ['source'], registers: [registry] }),
    sourceRestarts: new Gauge({ name: 'fabrik_source_restarts', help: 'Restarts of the source since start', labelNames: ['source'], registers: [registry] }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
