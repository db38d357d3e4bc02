import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { describeSite } from './site-description.js';

const WINDOW_MS = 60_000;

/** Sum of every series of a counter or gauge in the registry, or null when it is not registered. */
async function total(registry: Registry, name: string): Promise<number | null> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return null;
  const { values } = await metric.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

/** A labelled counter's series by one label's value. */
async function byLabel(registry: Registry, name: string, label: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  const out: Record<string, number> = {};
  if (!metric) return out;
  for (const v of (await metric.get()).values) {
    const key = String(v.labels[label] ?? 'other');
    out[key] = (out[key] ?? 0) + v.value;
  }
  return out;
}

/**
 * `GET /system`: the node at a glance for the dashboard's System page: health
 * of every part, ingest totals and rate, store size, config digest, uptime.
 */
export function systemRoute(deps: ApiDeps): Hono<ApiEnv> {
  const started = Date.now();
  // Readings of the stored counter taken when the page asks; the rate is over the last minute of them.
  const readings: { at: number; stored: number }[] = [];
  return new Hono<ApiEnv>().get('/system', requireRole('viewer'), async (c) => {
    const now = Date.now();
    const [received, stored, dropped, queued, streamClients] = await Promise.all(
      ['fabrik_samples_received_total', 'fabrik_samples_stored_total', 'fabrik_samples_dropped_total', 'fabrik_ingest_queue_samples', 'fabrik_ws_clients'].map((n) => total(deps.metrics, n)),
    );
    // Deadband and swinging-door suppression count as drops too: the page shows why.
    const droppedByReason = await byLabel(deps.metrics, 'fabrik_samples_dropped_total', 'reason');
    let perSecond: number | null = null;
    if (stored !== null && stored !== undefined) {
      const last = readings.at(-1);
      if (!last || now - last.at >= 1000) readings.push({ at: now, stored });
      while (readings.length > 2 && now - readings[1]!.at >= WINDOW_MS) readings.shift();
      const first = readings[0]!;
      if (now - first.at >= 1000) perSecond = ((stored - first.stored) * 1000) / (now - first.at);
    }
    const site = describeSite(deps);
    return c.json({
      node: { siteId: deps.config.siteId, nodeName: deps.config.nodeName ?? null, version: deps.config.version, startedAt: started, uptimeMs: now - started, now },
      config: site.config,
      health: deps.health(),
      ingest: { received, stored, dropped, droppedByReason, queued, perSecond },
      store: deps.storeStats?.() ?? null,
      stream: { clients: streamClients },
    });
  });
}
