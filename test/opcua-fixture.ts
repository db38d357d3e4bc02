import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpcuaSource, type OpcuaDevice, type OpcuaSource } from '../src/adapters/opcua/index.js';
import { parseSiteConfig, type SiteConfigInput } from '../src/config/index.js';
import { TagRegistry, type FabrikEvent, type Sample } from '../src/core/index.js';
import { defineConfiguredTags } from '../src/node/tag-definitions.js';
import { plantOpcuaDevice, type PlantOpcuaDeviceOptions } from '../src/sim/index.js';

/** A free TCP port (for servers that must come back on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Polls until `check` returns a truthy value (the machine is loaded: generous by default). */
export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const RETENTION = { defaultClass: 'standard', classes: { standard: { raw: '30d' }, quality: { raw: '90d' }, short: { raw: '7d' } } };

export const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** The site config around one plant OPC UA device (its assets declared), parsed through the schema. */
export function siteWith(device: NonNullable<SiteConfigInput['devices']>[number], assets: string[]) {
  return parseSiteConfig({ site: { id: 'opcua-test', name: 'OPC UA test', enterprise: 'acme' }, assets: assets.map((path) => ({ path })), devices: [device], retention: RETENTION });
}

/** A running OPC UA source that records every sample it yields. */
export interface RecordingSource {
  source: OpcuaSource;
  tags: TagRegistry;
  samples: (Sample & { id: string })[];
  events: FabrikEvent[];
  of(id: string): (Sample & { id: string })[];
  stop(): Promise<void>;
}

export function recordSource(device: OpcuaDevice, pkiDir: string, tags?: TagRegistry): RecordingSource {
  const registry = tags ?? new TagRegistry();
  if (!tags) defineConfiguredTags(parseSiteConfig({ site: { id: 't', name: 't', enterprise: 'acme' }, devices: [device], retention: RETENTION }), registry);
  const events: FabrikEvent[] = [];
  const source = createOpcuaSource({ device, tags: registry, pkiDir, logger: quietLogger, batching: { flushMs: 20 }, onEvent: (e) => events.push(e) });
  const samples: RecordingSource['samples'] = [];
  const done = (async () => {
    for await (const b of source.batches()) {
      for (let i = 0; i < b.length; i++) {
        const text = b.text?.[i];
        samples.push({ id: registry.get(b.tag[i]!)!.id, tag: b.tag[i]!, ts: b.ts[i]!, value: text ?? b.value[i]!, quality: b.quality[i]!, arrival: b.arrival[i]! });
      }
    }
  })();
  return {
    source,
    tags: registry,
    samples,
    events,
    of: (id) => samples.filter((s) => s.id === id),
    stop: async () => {
      await source.close();
      await done;
    },
  };
}

/** The plant device for `prefixes`, parsed to its config output form. */
export function plantDevice(options: PlantOpcuaDeviceOptions): OpcuaDevice {
  const input = plantOpcuaDevice(options);
  const assets = [...new Set((input.tags ?? []).map((t) => t.asset))];
  return siteWith(input, assets).devices[0] as OpcuaDevice;
}

/** A TCP proxy in front of a server whose link can be cut without closing sockets: what a pulled cable looks like. */
export async function startLinkProxy(target: { host: string; port: number }): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  const { createServer: createTcpServer, connect } = await import('node:net');
  let cut = false;
  const sockets = new Set<import('node:net').Socket>();
  const server = createTcpServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (cut) return; // accepted, never answered
    const upstream = connect(target);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.on('data', (d) => {
      if (!cut) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!cut) client.write(d);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => void (cut = true),
    restore: () => void (cut = false),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
