import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadSiteConfig, type SiteConfig } from '../src/config/index.js';
import { startEdgeNode, type EdgeNode } from '../src/node/edge-node.js';

export const DEMO_CONFIG = fileURLToPath(new URL('../examples/demo-site.yaml', import.meta.url));

export interface RunningNode {
  node: EdgeNode;
  dataDir: string;
  token: string;
  /** fetch against the node with the admin token (or the given one). */
  api(path: string, init?: RequestInit & { token?: string | null; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/** Starts a real edge node (demo config, real store, real API on a free port) in this process. */
export async function startTestNode(opts: { config?: SiteConfig; seed?: number } = {}): Promise<RunningNode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fabrik-node-'));
  const config = opts.config ?? loadSiteConfig(DEMO_CONFIG);
  const node = await startEdgeNode({ config, dataDir, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }), seed: opts.seed ?? 7, tickMs: 200 });
  const token = node.adminToken.token;
  return {
    node,
    dataDir,
    token,
    api(path, init = {}) {
      const { token: t = token, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (t) headers.set('authorization', `Bearer ${t}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${node.url}${path}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json), method: rest.method ?? 'POST' } : {}) });
    },
    async close() {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `fn` returns a truthy value or the time is up. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

export async function queryRows(n: RunningNode, sql: string): Promise<unknown[][]> {
  const res = await n.api('/api/v1/query', { json: { sql } });
  if (!res.ok) throw new Error(`query failed ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { rows: unknown[][] }).rows;
}
