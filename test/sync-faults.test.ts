import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../src/hub/index.js';
import { HubClient, Outbox, Uplink } from '../src/sync/index.js';
import { eventually } from './edge-node-fixture.js';
import { freshPostgresDatabase } from './hub-database.js';
import { PEERS, peerEnabled } from './peers.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const usePostgres = await peerEnabled('postgres');

/** A TCP proxy that cuts a share of its connections at a random moment, in either direction. */
async function flakyProxy(target: number, cutShare: number): Promise<{ port: number; cuts: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { cuts: 0 };
  const server: Server = createServer((down) => {
    const up = connect(target, '127.0.0.1');
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    // Each chunk, either way, may be the last: sometimes it still goes through (the hub committed, the answer is lost), sometimes not.
    const forward = (from: Socket, to: Socket): void => {
      from.on('data', (chunk: Buffer) => {
        const cut = Math.random() < cutShare;
        if (!cut || Math.random() < 0.5) to.write(chunk);
        if (cut) {
          state.cuts++;
          down.destroy();
          up.destroy();
        }
      });
      from.on('end', () => to.end());
    };
    forward(down, up);
    forward(up, down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    get cuts() {
      return state.cuts;
    },
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/**
 * PostgreSQL as a hub sees a server restart: a proxy in front of the real server
 * that, on `restart()`, drops every open connection and refuses new ones for a while.
 */
async function restartablePostgres(target: { host: string; port: number }): Promise<{ port: number; restart(downMs: number): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  const listen = (port: number): Promise<number> =>
    new Promise((resolve) => {
      server = createServer((down) => {
        const up = connect(target.port, target.host);
        for (const sock of [down, up]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => undefined);
        }
        down.pipe(up);
        up.pipe(down);
      });
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const sock of sockets) sock.destroy();
      server.close(() => resolve());
    });
  const port = await listen(0);
  return {
    port,
    async restart(downMs) {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      await listen(port);
    },
    close: stop,
  };
}

/** `count` test events after the outbox's last, each carrying its own sequence number as `n`. */
async function appendTicks(outbox: Outbox, count: number, prefix: string): Promise<void> {
  const first = outbox.lastSeq('event') + 1;
  await outbox.append('event', Array.from({ length: count }, (_, i) => ({ id: `${prefix}${first + i}`, kind: 'test.tick', ts: Date.now(), assetPath: 'acme/plant1', severity: 'info', message: '', payload: { n: first + i } })));
}

/** Keeps appending `size` events every 10 ms and waking the uplink, until `stop()` (which waits for the last append). */
function keepAppending(outbox: Outbox, uplink: Uplink, size: number, prefix: string): { stop(): Promise<void> } {
  let appending = true;
  const running = (async () => {
    while (appending) {
      await appendTicks(outbox, size, prefix);
      uplink.wake();
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    stop() {
      appending = false;
      return running;
    },
  };
}

describe(`sync under faults (${usePostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-sync-faults-'));
  let hub: Hub;
  let dropDb: (() => Promise<void>) | undefined;
  let credential: string;
  let databaseUrl: string | undefined;

  beforeAll(async () => {
    if (usePostgres) {
      const db = await freshPostgresDatabase();
      databaseUrl = db.url;
      dropDb = db.drop;
    }
    hub = await startHub({ dataDir: join(dir, 'hub'), port: 0, logger: pino({ level: 'silent' }), ...(databaseUrl ? { databaseUrl } : {}) });
    const admin = readFileSync(hub.adminTokenFile!, 'utf8').trim();
    const created = await fetch(`${hub.url}/api/v1/enrolments`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{}' });
    const { token } = (await created.json()) as { token: string };
    credential = (await new HubClient({ url: hub.url }).enrol(token, 'plant1')).credential;
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await dropDb?.();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The site's uplink to `url` with the test's retry pace; contact and desired config play no part here. */
  function uplinkTo(url: string, outbox: Outbox, pace: { batchItems: number; retryMinMs: number; retryMaxMs: number; timeoutMs?: number }): Uplink {
    return new Uplink({
      outbox, siteId: 'plant1', client: async () => new HubClient({ url, credential, ...(pace.timeoutMs ? { timeoutMs: pace.timeoutMs } : {}) }),
      contact: async () => ({ siteId: 'plant1', backlog: {}, appliedConfig: { version: null, sha256: null }, configError: null, models: [], health: null, drops: {}, reduction: null }),
      onDesiredConfig: async () => undefined,
      batchItems: pace.batchItems, batchBytes: 1e6, bandwidth: 0, retryMinMs: pace.retryMinMs, retryMaxMs: pace.retryMaxMs, contactEveryMs: 3_600_000, backfillAfterMs: 60_000,
      logger: pino({ level: 'silent' }),
    });
  }

  /** Every (epoch, seq) once, without gaps from 1, and each event's payload matching its sequence. */
  async function expectExactlyOnce(epoch: string, through: number): Promise<void> {
    const rows = (await hub.db.query<{ seq: string | number; n: string }>("SELECT seq, payload->>'n' AS n FROM site_events WHERE site_id = 'plant1' AND epoch = $1 ORDER BY seq", [epoch])).rows;
    expect(rows.length).toBe(through);
    rows.forEach((r, i) => {
      expect(Number(r.seq)).toBe(i + 1);
      expect(Number(r.n)).toBe(i + 1);
    });
  }

  it('delivers exactly once through a link that cuts connections mid-request', async () => {
    const proxy = await flakyProxy(hub.port, 0.2);
    const outbox = await Outbox.open({ dir: join(dir, 'proxy-outbox'), maxBytes: 1e9 });
    const uplink = uplinkTo(`http://127.0.0.1:${proxy.port}`, outbox, { batchItems: 25, retryMinMs: 5, retryMaxMs: 50, timeoutMs: 5000 });
    uplink.start();
    try {
      for (let k = 0; k < 40; k++) {
        await appendTicks(outbox, 10, 'p');
        uplink.wake();
      }
      await eventually(async () => outbox.doneThrough('event') === 400, 120_000);
      expect(proxy.cuts).toBeGreaterThan(0);
      await expectExactlyOnce(outbox.epoch, 400);
    } finally {
      await uplink.stop();
      await outbox.close();
      await proxy.close();
    }
  }, 180_000);

  it.skipIf(!usePostgres)('delivers exactly once when PostgreSQL restarts under the hub, twice, mid-sync', async () => {
    const pgProxy = await restartablePostgres(PEERS.postgres);
    const url = new URL(databaseUrl!);
    url.host = `127.0.0.1:${pgProxy.port}`;
    const restarted = await startHub({ dataDir: join(dir, 'hub-pg-restart'), port: 0, logger: pino({ level: 'silent' }), databaseUrl: url.toString() });
    const outbox = await Outbox.open({ dir: join(dir, 'pg-restart-outbox'), maxBytes: 1e9 });
    const uplink = uplinkTo(restarted.url, outbox, { batchItems: 10, retryMinMs: 20, retryMaxMs: 300, timeoutMs: 5000 });
    uplink.start();
    const producer = keepAppending(outbox, uplink, 5, 'r');
    try {
      for (let round = 0; round < 2; round++) {
        await eventually(async () => outbox.doneThrough('event') > 0 && outbox.doneThrough('event') >= outbox.lastSeq('event') - 50, 60_000);
        await pgProxy.restart(1500);
      }
      await producer.stop();
      // The hub answers again on its own (no restart of the hub), and everything lands once.
      await eventually(async () => outbox.doneThrough('event') === outbox.lastSeq('event'), 90_000);
      expect((await fetch(`${restarted.url}/healthz`)).ok).toBe(true);
      await expectExactlyOnce(outbox.epoch, outbox.lastSeq('event'));
    } finally {
      await producer.stop().catch(() => undefined);
      await uplink.stop();
      await outbox.close();
      await restarted.close();
      await pgProxy.close();
    }
  }, 240_000);

  it.skipIf(!usePostgres)('delivers exactly once when the hub is killed with SIGKILL mid-batch, again and again (a second hub on the same PostgreSQL)', async () => {
    const port = await new Promise<number>((r) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => r(p));
      });
    });
    const startChild = async (): Promise<ChildProcess> => {
      const child = spawn(process.execPath, [join(root, 'bin/fabrik.js'), 'hub', '--http-port', String(port), '--database-url', databaseUrl!, '--data-dir', join(dir, 'hub-child'), '--log-level', 'error'], {
        env: { ...process.env, FABRIK_HUB_ADMIN_TOKEN: 'fhub_test_admin_token_for_the_child_hub' },
        stdio: 'ignore',
      });
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 30_000, 50);
      return child;
    };
    let child = await startChild();
    const outbox = await Outbox.open({ dir: join(dir, 'hub-kill-outbox'), maxBytes: 1e9 });
    const uplink = uplinkTo(`http://127.0.0.1:${port}`, outbox, { batchItems: 10, retryMinMs: 20, retryMaxMs: 200, timeoutMs: 5000 });
    uplink.start();
    const producer = keepAppending(outbox, uplink, 7, 'k');
    try {
      for (let round = 0; round < 5; round++) {
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 350));
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await gone;
        await new Promise((r) => setTimeout(r, 200));
        child = await startChild();
      }
      await producer.stop();
      await eventually(async () => outbox.doneThrough('event') === outbox.lastSeq('event'), 60_000);
      await expectExactlyOnce(outbox.epoch, outbox.lastSeq('event'));
    } finally {
      await producer.stop().catch(() => undefined);
      await uplink.stop();
      await outbox.close();
      child.kill('SIGKILL');
    }
  }, 240_000);

  it('loses nothing acknowledged and doubles nothing when the syncing site is killed with SIGKILL twenty times', async () => {
    const siteDir = join(dir, 'site');
    const appended = (): number => (existsSync(join(siteDir, 'appended')) ? Number(readFileSync(join(siteDir, 'appended'), 'utf8')) : 0);
    for (let round = 0; round < 20; round++) {
      const before = appended();
      const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/sync-site-child.test.ts', '--pool=forks'], {
        cwd: root,
        env: { ...process.env, FABRIK_SYNC_CHILD_DIR: siteDir, FABRIK_SYNC_CHILD_HUB: hub.url, FABRIK_SYNC_CHILD_CREDENTIAL: credential },
        stdio: 'ignore',
        detached: true,
      });
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      await eventually(async () => appended() > before + 20, 90_000, 20);
      await new Promise((r) => setTimeout(r, Math.random() * 300));
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
    // A last start drains what is left.
    const outbox = await Outbox.open({ dir: join(siteDir, 'outbox'), maxBytes: 1e9 });
    expect(outbox.lastSeq('event')).toBeGreaterThanOrEqual(appended());
    const uplink = uplinkTo(hub.url, outbox, { batchItems: 500, retryMinMs: 20, retryMaxMs: 200 });
    uplink.start();
    try {
      await eventually(async () => outbox.doneThrough('event') === outbox.lastSeq('event'), 60_000);
      await expectExactlyOnce(outbox.epoch, outbox.lastSeq('event'));
    } finally {
      await uplink.stop();
      await outbox.close();
    }
  }, 600_000);
});
