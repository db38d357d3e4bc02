import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { parseSiteConfig } from '../config/index.js';
import { createPlant, demoSiteConfig } from '../sim/index.js';
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
  seed?: number;
  logger: Logger;
}

/**
 * Runs the demo plant as a site of several edge nodes in this process, one
 * per bottling line (the first also owns the CNC cell and the utilities),
 * fed by one shared simulator and joined into one fabric with a generated
 * site token: a site query on any node covers the whole plant.
 */
export async function startFabricDemo(opts: FabricDemoOptions): Promise<EdgeNode[]> {
  const lines = opts.lines ?? 2;
  const host = opts.host ?? '127.0.0.1';
  const ports: number[] = [];
  for (let i = 0; i < lines; i++) ports.push(opts.httpPort ? opts.httpPort + i : await freePort(host));
  const urls = ports.map((p) => `http://${host}:${p}`);
  const token = randomBytes(24).toString('base64url');
  const base = demoSiteConfig({ lines });
  const plant = createPlant({ seed: opts.seed ?? 42, startTime: Date.now(), lines });
  const nodes: EdgeNode[] = [];
  try {
    for (let i = 1; i <= lines; i++) {
      const dataDir = join(opts.dataDir, `line${i}`);
      mkdirSync(join(dataDir, 'secrets'), { recursive: true });
      writeFileSync(join(dataDir, 'secrets', 'site.token'), `${token}\n`, { mode: 0o600 });
      const owned = (base.devices ?? []).filter((d) => d.id === `line${i}` || d.id.startsWith(`line${i}-`) || (i === 1 && !/^line\d+/.test(d.id)));
      const ownedTags = new Set(owned.flatMap((d) => (d.tags ?? []).map((t) => t.id)));
      // Machines of other lines stay in the asset tree, without a state tag this node does not read.
      const assets = (base.assets ?? []).map((a) => (a.stateTag && !ownedTags.has(a.stateTag) ? { ...a, stateTag: undefined, stateMap: undefined } : a));
      const config = parseSiteConfig({
        ...base, devices: owned, assets,
        // Each node computes the KPIs of the lines whose tags it reads.
        kpi: { lines: (base.kpi?.lines ?? []).filter((l) => ownedTags.has(l.stateTag) && ownedTags.has(l.countTag)) },
        api: { host, port: ports[i - 1]! },
        fabric: { node: `line${i}`, peers: urls, siteTokenFile: 'secrets/site.token', peerTimeout: '5s' },
      });
      nodes.push(await startEdgeNode({ config, dataDir, host, port: ports[i - 1]!, logger: opts.logger.child({ node: `line${i}` }), plant, ...(i === 1 && opts.pgPort !== undefined ? { pgPort: opts.pgPort } : {}) }));
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
