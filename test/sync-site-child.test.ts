import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, it } from 'vitest';
import { HubClient, Outbox, Uplink } from '../src/sync/index.js';

// Runs only as the child of sync-faults.test.ts: a site that appends and syncs until it is killed with SIGKILL.
const dir = process.env['FABRIK_SYNC_CHILD_DIR'];

describe.skipIf(!dir)('syncing site child', () => {
  it('appends events and sends them to the hub until killed', async () => {
    const outbox = await Outbox.open({ dir: join(dir!, 'outbox'), maxBytes: 1e9, segmentBytes: 8 * 1024 });
    const client = new HubClient({ url: process.env['FABRIK_SYNC_CHILD_HUB']!, credential: process.env['FABRIK_SYNC_CHILD_CREDENTIAL']! });
    const uplink = new Uplink({
      outbox, siteId: 'plant1', client: async () => client,
      contact: async () => ({ siteId: 'plant1', backlog: {}, appliedConfig: { version: null, sha256: null }, configError: null, models: [], health: null, drops: {}, reduction: null }),
      onDesiredConfig: async () => undefined,
      batchItems: 40, batchBytes: 1e6, bandwidth: 0, retryMinMs: 20, retryMaxMs: 200, contactEveryMs: 60_000, backfillAfterMs: 60_000,
      logger: pino({ level: 'silent' }),
    });
    uplink.start();
    let n = outbox.lastSeq('event');
    for (let round = 0; ; round++) {
      const count = 1 + (round % 13);
      const items = Array.from({ length: count }, (_, i) => ({ id: `e${n + 1 + i}`, kind: 'test.tick', ts: Date.now(), assetPath: 'acme/plant1', severity: 'info', message: '', payload: { n: n + 1 + i } }));
      n = (await outbox.append('event', items))!.lastSeq;
      writeFileSync(join(dir!, 'appended'), String(n));
      uplink.wake();
      await new Promise((r) => setTimeout(r, 5));
    }
  }, 600_000);
});
