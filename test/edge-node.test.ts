import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, queryRows, startTestNode, type RunningNode } from './edge-node-fixture.js';

// End to end in one process: the demo plant → sim sources → pipeline → DuckDB store → HTTP/WS API.
let n: RunningNode;

beforeAll(async () => {
  n = await startTestNode();
  await eventually(async () => Number((await queryRows(n, 'select count(*) from samples'))[0]![0]) > 20);
});
afterAll(async () => {
  await n?.close();
});

describe('edge node, end to end', () => {
  it('ingests the simulated line: the sample count grows', async () => {
    const first = Number((await queryRows(n, 'select count(*) from samples'))[0]![0]);
    const later = await eventually(async () => {
      const c = Number((await queryRows(n, 'select count(*) from samples'))[0]![0]);
      return c > first ? c : null;
    });
    expect(later).toBeGreaterThan(first);
    const tags = await queryRows(n, "select count(distinct tag) from samples where tag like 'line1.filler.%'");
    expect(Number(tags[0]![0])).toBeGreaterThan(3);
  });

  it('serves health, readiness and Prometheus metrics without a token', async () => {
    expect((await n.api('/healthz', { token: null })).status).toBe(200);
    expect((await n.api('/readyz', { token: null })).status).toBe(200);
    const metrics = await (await n.api('/metrics', { token: null })).text();
    expect(metrics).toMatch(/fabrik_samples_stored_total \d+/);
    expect(metrics).toMatch(/fabrik_http_requests_total/);
  });

  it('refuses every /api route without a valid token', async () => {
    for (const path of ['/api/v1/tags', '/api/v1/events', '/api/v1/tags/line1.filler.product_temp/latest']) {
      expect((await n.api(path, { token: null })).status).toBe(401);
      expect((await n.api(path, { token: 'fbk_nope_nope' })).status).toBe(401);
    }
    expect((await n.api('/api/v1/query', { token: null, json: { sql: 'select 1' } })).status).toBe(401);
  });

  it('answers SQL as json and csv, through the views', async () => {
    const res = await n.api('/api/v1/query', { json: { sql: "select tag, unit, quality from samples where tag = 'line1.filler.product_temp' limit 1" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { columns: string[]; rows: unknown[][] };
    expect(body.columns).toEqual(['tag', 'unit', 'quality']);
    expect(body.rows[0]).toEqual(['line1.filler.product_temp', '°C', 'good']);
    const csv = await n.api('/api/v1/query', { json: { sql: "select id, unit from tags where id = 'cnc1.lathe.part_diameter'", format: 'csv' } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).trim().split(/\r?\n/)).toEqual(['id,unit', 'cnc1.lathe.part_diameter,mm']);
  });

  it('refuses writes, file access and bad SQL with 400 and a reason', async () => {
    const cases: [string, RegExp][] = [
      ['delete from samples', /NOT_READ_ONLY/],
      ["copy (select 1) to '/tmp/x.csv'", /NOT_READ_ONLY/],
      ["select * from read_csv('/etc/passwd')", /NOT_READ_ONLY|QUERY_INVALID/],
      ["attach '/tmp/other.duckdb'", /NOT_READ_ONLY/],
      ['select 1; select 2', /QUERY/],
      ['selec nonsense', /QUERY_INVALID/],
    ];
    for (const [sql, code] of cases) {
      const res = await n.api('/api/v1/query', { json: { sql } });
      expect(res.status, sql).toBe(400);
      expect(JSON.stringify(await res.json()), sql).toMatch(code);
    }
    expect(Number((await queryRows(n, 'select count(*) from samples'))[0]![0])).toBeGreaterThan(0);
  });

  it('rejects oversized and malformed request bodies', async () => {
    const big = await n.api('/api/v1/query', { json: { sql: `select '${'x'.repeat(2_000_000)}'` } });
    expect(big.status).toBe(413);
    const bad = await n.api('/api/v1/query', { method: 'POST', body: '{"sql":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
  });

  it('lists tags under an asset and gives the latest value with quality', async () => {
    const res = await n.api('/api/v1/tags?asset=acme/demo/bottling/line1/filler');
    const body = (await res.json()) as { tags: { id: string; assetPath: string }[] };
    expect(body.tags.length).toBeGreaterThan(3);
    expect(body.tags.every((t) => t.assetPath === 'acme/demo/bottling/line1/filler')).toBe(true);
    const latest = await eventually(async () => {
      const r = await n.api('/api/v1/tags/line1.filler.product_temp/latest');
      return r.ok ? ((await r.json()) as { value: number; quality: string; ts: string }) : null;
    });
    expect(typeof latest.value).toBe('number');
    expect(latest.quality).toBe('good');
    expect(Date.parse(latest.ts)).toBeGreaterThan(Date.now() - 60_000);
    expect((await n.api('/api/v1/tags/no.such.tag/latest')).status).toBe(404);
  });

  it('injects a simulator fault as an engineer, records it as an event, and refuses a viewer', async () => {
    const viewer = await n.api('/api/v1/tokens', { json: { role: 'viewer', name: 'wall display' } });
    expect(viewer.status).toBe(201);
    const viewerToken = ((await viewer.json()) as { token: string }).token;
    const denied = await n.api('/api/v1/sim/faults', { token: viewerToken, json: { signal: 'line1.filler.product_temp', type: 'step', magnitude: 3 } });
    expect(denied.status).toBe(403);
    expect((await n.api('/api/v1/tags', { token: viewerToken })).status).toBe(200);

    const bad = await n.api('/api/v1/sim/faults', { json: { signal: 'no.such.signal', type: 'step', magnitude: 3 } });
    expect(bad.status).toBe(400);

    const ok = await n.api('/api/v1/sim/faults', { json: { signal: 'line1.filler.product_temp', type: 'step', magnitude: 3 } });
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as { id: string };
    const events = await eventually(async () => {
      const r = await n.api('/api/v1/events?kind=sim.fault');
      const list = ((await r.json()) as { events: { kind: string; payload: { faultId: string } }[] }).events;
      return list.some((e) => e.payload.faultId === id) ? list : null;
    });
    expect(events[0]!.kind).toBe('sim.fault');
    expect((await n.api(`/api/v1/sim/faults/${id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('streams live samples of subscribed tags only, and refuses a socket without a token', async () => {
    const wsUrl = n.node.url.replace('http', 'ws') + '/api/v1/stream';
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(refused).toBe(401);

    const ws = new WebSocket(`${wsUrl}?token=${encodeURIComponent(n.token)}`);
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no samples streamed')), 10_000);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', tags: ['cnc1.*', 'utilities.compressor1.pressure'] })));
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { type: string; samples?: { tag: string }[] };
        for (const s of msg.samples ?? []) seen.add(s.tag);
        if (seen.has('utilities.compressor1.pressure') && [...seen].some((t) => t.startsWith('cnc1.'))) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    ws.close();
    expect([...seen].every((t) => t.startsWith('cnc1.') || t === 'utilities.compressor1.pressure')).toBe(true);
  });

  it('reports per-source health', async () => {
    const body = (await (await n.api('/healthz', { token: null })).json()) as { status: string; components: Record<string, { state: string }> };
    expect(body.components['store']!.state).toBe('up');
    expect(Object.keys(body.components)).toEqual(expect.arrayContaining(['line1', 'cnc1', 'utilities']));
  });
});
