import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startEdgeNode, type EdgeNode, type EdgeNodeOptions } from '../src/node/edge-node.js';
import { loadStartupConfig } from '../src/rollout/index.js';
import { DEMO_CONFIG } from './edge-node-fixture.js';

export const DEMO_TEXT = readFileSync(DEMO_CONFIG, 'utf8');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts a node the way `fabrik node --config <file>` does: the startup config decides (signatures, versions). */
export async function startFromFile(dataDir: string, file: string, extra: Partial<EdgeNodeOptions> = {}): Promise<EdgeNode> {
  const startup = await loadStartupConfig({ dataDir, file });
  return startEdgeNode({
    config: startup.config,
    dataDir,
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'silent' }),
    seed: 3,
    tickMs: 200,
    configSource: { applied: startup.applied, trusted: startup.trusted },
    sourceStartTimeoutMs: 1500,
    ...extra,
  });
}

/** An HTTPS request that trusts exactly `ca`. */
export function httpsJson(url: string, opts: { ca: string; token?: string; method?: string; body?: unknown }): Promise<{ status: number; body: unknown; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', ca: opts.ca, headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}
