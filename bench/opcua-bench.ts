import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttributeIds, OPCUACertificateManager, OPCUAClient, TimestampsToReturn } from 'node-opcua';
import pino from 'pino';
import { createOpcuaSource, type OpcuaDevice } from '../src/adapters/opcua/index.js';
import { parseSiteConfig } from '../src/config/index.js';
import { TagRegistry } from '../src/core/index.js';
import { defineConfiguredTags } from '../src/node/tag-definitions.js';
import { SampleWriter } from '../src/node/sample-writer.js';
import { IngestQueue } from '../src/pipeline/index.js';
import { EdgeStore } from '../src/store/index.js';
import type { Metric } from './metric.js';

const PERIOD_MS = 100;

/**
 * OPC UA notifications/s from one server (a child process) with `items`
 * monitored items all changing every 100 ms: a bare node-opcua subscription
 * counting its 'changed' events, then the Fabrik adapter alone, then the
 * adapter feeding the store (durable commits), so the overhead is a ratio.
 */
export async function benchOpcua(opts: { items: number; seconds: number; onProgress?: (m: string) => void }): Promise<Record<string, Metric>> {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-bench-opcua-'));
  const child = spawn(process.execPath, [fileURLToPath(new URL('./opcua-bench-server.js', import.meta.url)), String(opts.items), String(PERIOD_MS), join(dir, 'server-pki')], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const { endpoint, namespaceIndex } = await listening(child);
    const nodeIds = Array.from({ length: opts.items }, (_, i) => `ns=${namespaceIndex};s=bench.${i}`);
    opts.onProgress?.(`opcua: bare node-opcua client, ${opts.items} items`);
    const bareBefore = await bareRate(endpoint, nodeIds, opts.seconds, `${dir}/pki`);
    const device = benchDevice(endpoint, nodeIds);
    opts.onProgress?.('opcua: through the adapter');
    const adapter = await adapterRate(device, `${dir}/pki`, opts.seconds, null);
    opts.onProgress?.('opcua: through the adapter into the store');
    const stored = await adapterRate(device, `${dir}/pki`, opts.seconds, `${dir}/store`);
    // The machine is shared: the bare client runs before and after, and the better of its two runs is the reference.
    opts.onProgress?.('opcua: bare node-opcua client again');
    const bare = Math.max(bareBefore, await bareRate(endpoint, nodeIds, opts.seconds, `${dir}/pki`));
    const offered = (opts.items * 1000) / PERIOD_MS;
    return {
      'opcua.offered': { value: offered, unit: 'changes/s', target: `${opts.items} items × 10/s` },
      'opcua.bare_node_opcua': { value: Math.round(bare), unit: 'notifications/s', target: 'reference' },
      'opcua.adapter': { value: Math.round(adapter), unit: 'samples/s', target: '≥ 50000' },
      'opcua.adapter_to_store': { value: Math.round(stored), unit: 'samples/s', target: '≥ 50000' },
      'opcua.adapter_vs_bare': { value: Math.round((adapter / bare) * 100) / 100, unit: 'ratio', target: '~1' },
      'opcua.store_vs_bare': { value: Math.round((stored / bare) * 100) / 100, unit: 'ratio', target: '~1' },
    };
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function listening(child: ChildProcess): Promise<{ endpoint: string; namespaceIndex: number }> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const line = text.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { endpoint: string; namespaceIndex: number });
    });
    child.once('exit', (code) => reject(new Error(`bench OPC UA server exited with ${code}`)));
  });
}

/** Counts notifications over `seconds` after a warm-up, from `count()` readings. */
async function measure(count: () => number, seconds: number): Promise<number> {
  const warm = Date.now() + 3000;
  while (count() === 0 || Date.now() < warm) await new Promise((r) => setTimeout(r, 100));
  const n0 = count();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return ((count() - n0) * 1000) / (performance.now() - t0);
}

async function bareRate(endpoint: string, nodeIds: string[], seconds: number, pkiDir: string): Promise<number> {
  const certificates = new OPCUACertificateManager({ rootFolder: pkiDir });
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, clientCertificateManager: certificates });
  await client.connect(endpoint);
  try {
    const session = await client.createSession();
    const subscription = await session.createSubscription2({ requestedPublishingInterval: PERIOD_MS, requestedMaxKeepAliveCount: 20, requestedLifetimeCount: 120, maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 10 });
    let n = 0;
    const group = await subscription.monitorItems(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })), { samplingInterval: 0, queueSize: 10, discardOldest: true }, TimestampsToReturn.Both);
    group.on('changed', () => void n++);
    return await measure(() => n, seconds);
  } finally {
    await client.disconnect();
    await certificates.dispose();
  }
}

function benchDevice(endpoint: string, nodeIds: string[]): OpcuaDevice {
  const config = parseSiteConfig({
    site: { id: 'bench', name: 'bench', enterprise: 'acme' },
    devices: [{ id: 'bench', protocol: 'opcua', interval: PERIOD_MS, options: { endpoint, publishingInterval: PERIOD_MS }, tags: nodeIds.map((address, i) => ({ id: `bench.${i}`, asset: 'acme/bench', address, samplingInterval: 0 })) }],
  });
  return config.devices[0] as OpcuaDevice;
}

async function adapterRate(device: OpcuaDevice, pkiDir: string, seconds: number, storeDir: string | null): Promise<number> {
  const tags = new TagRegistry();
  const config = parseSiteConfig({ site: { id: 'bench', name: 'bench', enterprise: 'acme' }, devices: [device] });
  defineConfiguredTags(config, tags);
  const logger = pino({ level: 'silent' });
  const source = createOpcuaSource({ device, tags, pkiDir, logger });
  const store = storeDir ? await EdgeStore.open({ dataDir: storeDir, tags, store: config.store, retention: config.retention, logger }) : null;
  const queue = new IngestQueue(config.pipeline.maxQueuedSamples);
  let stored = 0;
  let yielded = 0;
  const writer = store ? new SampleWriter({ queue, sink: store, logger, onStored: (b) => (stored += b.length) }) : null;
  writer?.start();
  const pump = (async () => {
    for await (const batch of source.batches()) {
      yielded += batch.length;
      if (writer) queue.push(batch);
    }
  })();
  try {
    return await measure(() => (store ? stored : yielded), seconds);
  } finally {
    await source.close();
    await pump;
    await writer?.drain();
    await store?.close();
  }
}
