import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { apiSchema } from '../config/index.js';
import { Bus, TagRegistry, type FabrikEvent, type Sample, type TagDefinition } from '../core/index.js';
import { TokenStore, type Role } from '../security/index.js';
import { startApiServer, type ApiServer } from './api-server.js';
import type { ApiDeps, OpcuaCertificates, QueryResult } from './deps.js';
import type { StreamOptions } from './stream-socket.js';

/** A real API server over real registry, bus and token store, for the API's tests. */
export interface TestNode {
  server: ApiServer;
  deps: ApiDeps;
  tokens: Record<Role, string>;
  latest: Map<number, Sample>;
  events: FabrikEvent[];
  faults: Map<string, unknown>;
  lastQuery: { sql: string; maxRows: number; timeoutMs: number } | undefined;
  ready: boolean;
  get(path: string, token?: string): Promise<Response>;
  send(method: string, path: string, body: unknown, token?: string): Promise<Response>;
  stop(): Promise<void>;
}

function tag(id: string, assetPath: string, extra: Partial<TagDefinition> = {}): TagDefinition {
  return { id, assetPath, point: id.split('.').at(-1)!, dataType: 'number', unit: '', description: '', retentionClass: 'standard', source: 'sim', writable: false, ...extra };
}

/** Stands in for the DuckDB store (being written elsewhere): answers canned results, or throws the error code named in the SQL. */
function fakeQuery(node: { lastQuery: TestNode['lastQuery'] }) {
  return async (sql: string, opts: { maxRows: number; timeoutMs: number }): Promise<QueryResult> => {
    node.lastQuery = { sql, ...opts };
    const coded = /^fail (\w+)$/.exec(sql);
    if (coded) throw Object.assign(new Error(`query failed with ${coded[1]}`), { code: coded[1] });
    if (sql === 'boom') throw new Error('store exploded');
    return {
      columns: [{ name: 'tag', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }, { name: 'note', type: 'VARCHAR' }],
      rows: [
        ['line1.filler.temp', 3n, 'plain'],
        ['line1.filler.level', 12n, 'has "quotes", a comma\nand a newline'],
      ],
      truncated: false,
      elapsedMs: 1.5,
    };
  };
}

export async function startTestNode(opts: { sim?: boolean; stream?: StreamOptions; maxBodyBytes?: number; opcua?: OpcuaCertificates } = {}): Promise<TestNode> {
  const dir = await mkdtemp(join(tmpdir(), 'fabrik-api-'));
  const tokenStore = await TokenStore.open(dir);
  const tags = new TagRegistry();
  tags.define(tag('line1.filler.temp', 'acme/p1/pack/line1/filler', { unit: '°C', description: 'Bowl temperature' }));
  tags.define(tag('line1.filler.level', 'acme/p1/pack/line1/filler'));
  tags.define(tag('line1.capper.running', 'acme/p1/pack/line1/capper', { dataType: 'boolean' }));
  tags.define(tag('line2.filler.temp', 'acme/p1/pack/line2/filler'));
  const node = {
    latest: new Map<number, Sample>(),
    events: [] as FabrikEvent[],
    faults: new Map<string, unknown>(),
    lastQuery: undefined as TestNode['lastQuery'],
    ready: false,
  };
  const deps: ApiDeps = {
    tags,
    tokens: tokenStore,
    bus: new Bus(),
    query: fakeQuery(node),
    latest: (i) => node.latest.get(i),
    events: async (f) =>
      node.events
        .filter((e) => (f.from === undefined || e.ts >= f.from) && (f.to === undefined || e.ts <= f.to) && (!f.kind || e.kind === f.kind) && (!f.tag || e.tag === f.tag))
        .slice(0, f.limit),
    health: () => ({ status: 'ok', components: {} }),
    ready: () => node.ready,
    metrics: new Registry(),
    config: { api: apiSchema.parse({ port: 0, maxBodyBytes: opts.maxBodyBytes ?? 4096, queryMaxRows: 500, queryTimeout: '5s' }), siteId: 'plant1', version: '0.1.0-test', nodeName: 'edge-1' },
  };
  if (opts.opcua) deps.opcua = opts.opcua;
  if (opts.sim) {
    let n = 0;
    deps.sim = {
      injectFault: (spec) => {
        if ((spec as { signal: string }).signal === 'nope') throw Object.assign(new Error('unknown signal "nope"'), { code: 'SIM_SIGNAL_UNKNOWN' });
        const id = `f${++n}`;
        node.faults.set(id, spec);
        return { id };
      },
      clearFault: (id) => node.faults.delete(id),
      faults: () => [...node.faults.values()],
    };
  }
  const issued = {} as Record<Role, string>;
  for (const role of ['viewer', 'operator', 'engineer', 'admin'] as const) issued[role] = (await tokenStore.create({ role, name: role })).token;
  const server = await startApiServer({ deps, host: '127.0.0.1', port: 0, ...(opts.stream ? { stream: opts.stream } : {}) });
  const headers = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  return Object.assign(node, {
    server,
    deps,
    tokens: issued,
    get: (path: string, token?: string) => fetch(`${server.url}${path}`, { headers: headers(token) }),
    send: (method: string, path: string, body: unknown, token?: string) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { ...headers(token), 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    stop: async () => {
      await server.close();
      await tokenStore.close();
      await rm(dir, { recursive: true, force: true });
    },
  });
}
