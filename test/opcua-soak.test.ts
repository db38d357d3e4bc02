import { afterAll, describe, expect, it } from 'vitest';
import { Quality } from '../src/core/index.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { FABRIK_BIN } from './cli-process.js';
import { freePort, plantDevice, recordSource, tempDir, waitFor } from './opcua-fixture.js';

// Soak: the server (`fabrik sim --opcua-port`, its own process, so this process's RSS is the client's) is
// killed and started again and again under a running subscription.
// FABRIK_SOAK_SECONDS sets how long (short in CI, 1800 in the nightly run); FABRIK_SOAK_RESTART_MS how often.
const SECONDS = Number(process.env['FABRIK_SOAK_SECONDS'] ?? 12);
const RESTART_MS = Number(process.env['FABRIK_SOAK_RESTART_MS'] ?? 3000);

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('OPC UA soak', () => {
  it(`keeps the subscription through server restarts every ${RESTART_MS} ms for ${SECONDS} s: one marker per outage, no duplicate, memory flat`, async () => {
    const dirs = await tempDir('fabrik-opcua-soak-');
    cleanups.push(dirs.remove);
    const port = await freePort();
    let server: ChildProcess | null = null;
    const start = async (): Promise<ChildProcess> => {
      const child = spawn(process.execPath, [FABRIK_BIN, 'sim', '--seed', '11', '--opcua-port', String(port), '--opcua-pki', `${dirs.dir}/server-pki`, '--signals', 'cnc1.lathe.state'], { stdio: ['ignore', 'ignore', 'pipe'] });
      await new Promise<void>((resolve, reject) => {
        let err = '';
        child.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('OPC UA server:')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`fabrik sim exited with ${code}: ${err}`)));
      });
      return child;
    };
    const kill = async (child: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    };
    server = await start();
    cleanups.push(async () => void (server && (await kill(server, 'SIGKILL'))));
    const device = plantDevice({ endpoint: `opc.tcp://localhost:${port}/fabrik/plant`, prefixes: ['cnc1.lathe.', 'utilities.'] });
    Object.assign(device.options, { maxReconnectDelay: 300, publishingInterval: 100 });
    const rec = recordSource(device, `${dirs.dir}/client`);
    cleanups.push(() => rec.stop());
    const continuous = device.tags.filter((t) => !/part_|_measured/.test(t.id)).map((t) => t.id);
    await waitFor(() => rec.source.health().state === 'up', 'the first subscription');
    const rssStart = process.memoryUsage().rss;
    let restarts = 0;
    const until = Date.now() + SECONDS * 1000;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, RESTART_MS / 2));
      // Killed outright every other time: no goodbye on the socket.
      await kill(server, restarts % 2 === 0 ? 'SIGKILL' : 'SIGINT');
      server = null;
      await waitFor(() => rec.source.health().state === 'down', 'the loss to be noticed');
      await new Promise((r) => setTimeout(r, RESTART_MS / 2));
      server = await start();
      restarts++;
      await waitFor(() => rec.source.health().state === 'up' && (rec.source.health().details as { sessions: number }).sessions === restarts + 1, `resubscription #${restarts}`, 60_000);
    }
    await waitFor(() => continuous.every((id) => rec.of(id).at(-1)?.quality === Quality.Good), 'good values after the last restart', 60_000);
    const rssGrowthMb = (process.memoryUsage().rss - rssStart) / 2 ** 20;
    process.stderr.write(`opcua soak: ${restarts} restarts in ${SECONDS} s, ${rec.samples.length} samples, RSS +${rssGrowthMb.toFixed(1)} MB\n`);

    expect(restarts).toBeGreaterThan(0);
    for (const t of device.tags) {
      const series = rec.of(t.id);
      // Every outage is marked once on every tag, whether or not the tag changed in between.
      expect(series.filter((s) => s.quality === Quality.BadCommFailure), t.id).toHaveLength(restarts);
      const ts = series.map((s) => s.ts);
      expect(new Set(ts).size, `${t.id} has no duplicate`).toBe(ts.length);
      expect(ts, `${t.id} timestamps increase`).toEqual([...ts].sort((a, b) => a - b));
    }
    expect(rec.source.health().details).toMatchObject({ gaps: restarts * device.tags.length, droppedBatches: 0 });
    // A leak per reconnection would show as tens of MB over many restarts; the bound is loose on purpose (GC timing).
    expect(rssGrowthMb).toBeLessThan(100);
  }, (SECONDS + 120) * 1000);
});
