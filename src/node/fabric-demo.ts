import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { parseSiteConfig, type SiteConfig } from '../config/index.js';
import { createPlant, demoSiteConfig, type Plant } from '../sim/index.js';
import type { CertKeyPair } from '../security/index.js';
import { issueDemoNodeCertificate } from './demo-pki.js';
import { startEdgeNode, type EdgeNode } from './edge-node.js';

export interface FabricDemoOptions {
  /** Bottling lines; one edge node per line. Default 2. */
  lines?: number;
  /** Parent folder; node i keeps its data in <dataDir>/line<i>. */
  dataDir: string;
  host?: string;
  /** HTTP port of the first node (the others follow); 0 picks free ports. */
  httpPort?: number;
  /** PostgreSQL wire port of the first node; undefined = off, 0 = a free one. */
  pgPort?: number;
  /** Port of the first node's embedded MQTT broker, when the base config runs one. */
  mqttPort?: number;
  seed?: number;
  /** The whole site's config (default: the demo site for `lines` lines, every machine in-process). */
  base?: SiteConfig;
  /** The simulator behind the in-process devices (default: a new one for `lines` lines). */
  plant?: Plant;
  webRoot?: string;
  /** Serve HTTPS: each node gets a certificate from this CA at start, and the nodes dial each other over HTTPS with it (mutual TLS). */
  ca?: CertKeyPair;
  logger: Logger;
}

/**
 * Which part of the site config node `line<i>` runs: the devices of its line
 * (the first node also owns the CNC cell, the utilities and the machines on
 * the site's broker), the KPIs, SPC characteristics and alarms of the tags it
 * reads, the site's cameras and models on the first node only, and the MQTT
 * broker on the first node, which the others publish their UNS topics to.
 */
export function demoNodeConfig(base: SiteConfig, i: number, site: { host: string; port: number; urls: string[] }): SiteConfig {
  const owned = base.devices.filter((d) => d.id === `line${i}` || d.id.startsWith(`line${i}-`) || (i === 1 && !/^line\d+/.test(d.id)));
  const ownedTags = new Set(owned.flatMap((d) => d.tags.map((t) => t.id)));
  const reads = (tag: string | undefined): boolean => tag === undefined || ownedTags.has(tag);
  // Machines of other lines stay in the asset tree, without a state tag this node does not read.
  const assets = base.assets.map((a) => (a.stateTag && !ownedTags.has(a.stateTag) ? { ...a, stateTag: undefined, stateMap: undefined } : a));
  const broker = base.mqtt.broker;
  const mqtt = i === 1 || !broker ? base.mqtt : { ...(base.mqtt.uns ? { uns: { ...base.mqtt.uns, url: base.mqtt.uns.url ?? `mqtt://${broker.host}:${broker.port}` } } : {}) };
  return parseSiteConfig({
    ...base,
    devices: owned,
    assets,
    kpi: { lines: base.kpi.lines.filter((l) => ownedTags.has(l.stateTag) && ownedTags.has(l.countTag)) },
    // Inspections chart the cameras' counters, which inference defines on the first node.
    spc: { ...base.spc, characteristics: base.spc.characteristics.filter((c) => (c.inspection !== undefined ? i === 1 : reads(c.tag) && reads(c.sizeTag))) },
    alarms: { ...base.alarms, tags: base.alarms.tags.filter((a) => ownedTags.has(a.tag)) },
    inference: i === 1 ? base.inference : undefined,
    mqtt,
    api: { ...base.api, host: site.host, port: site.port },
    fabric: { ...base.fabric, node: `line${i}`, peers: site.urls, siteTokenFile: 'secrets/site.token', peerTimeout: '5s' },
  });
}

/**
 * Runs the demo plant as a site of several edge nodes in this process, one
 * per bottling line, fed by one shared simulator and joined into one fabric
 * with a generated site token: a site query on any node covers the whole plant.
 */
export async function startFabricDemo(opts: FabricDemoOptions): Promise<EdgeNode[]> {
  const lines = opts.lines ?? 2;
  const host = opts.host ?? '127.0.0.1';
  const ports: number[] = [];
  for (let i = 0; i < lines; i++) ports.push(opts.httpPort ? opts.httpPort + i : await freePort(host));
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  const urls = ports.map((p) => `${opts.ca ? 'https' : 'http'}://${urlHost}:${p}`);
  const token = randomBytes(24).toString('base64url');
  const base = opts.base ?? parseSiteConfig(demoSiteConfig({ lines }));
  const plant = opts.plant ?? createPlant({ seed: opts.seed ?? 42, startTime: Date.now(), lines });
  const nodes: EdgeNode[] = [];
  try {
    for (let i = 1; i <= lines; i++) {
      const dataDir = join(opts.dataDir, `line${i}`);
      mkdirSync(join(dataDir, 'secrets'), { recursive: true });
      writeFileSync(join(dataDir, 'secrets', 'site.token'), `${token}\n`, { mode: 0o600 });
      if (opts.ca) await issueDemoNodeCertificate(opts.ca, dataDir, `line${i}`, host);
      // clientAuth optional: the nodes know each other by their certificates, while a browser without one still gets in with a login.
      const site = opts.ca ? { ...base, security: { ...base.security, tls: 'required' as const, clientAuth: 'optional' as const } } : base;
      const config = demoNodeConfig(site, i, { host, port: ports[i - 1]!, urls });
      nodes.push(
        await startEdgeNode({
          config, dataDir, host, port: ports[i - 1]!, logger: opts.logger.child({ node: `line${i}` }), plant,
          ...(opts.webRoot ? { webRoot: opts.webRoot } : {}),
          ...(i === 1 && opts.pgPort !== undefined ? { pgPort: opts.pgPort } : {}),
          ...(i === 1 && opts.mqttPort !== undefined ? { mqttPort: opts.mqttPort } : {}),
        }),
      );
    }
    return nodes;
  } catch (err) {
    for (const n of nodes) await n.stop();
    throw err;
  }
}

async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
