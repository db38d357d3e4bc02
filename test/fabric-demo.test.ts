import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import type { SiteQueryResult } from '../src/fabric/index.js';
import { openDemoCa } from '../src/node/demo-pki.js';
import { startFabricDemo } from '../src/node/fabric-demo.js';
import type { EdgeNode } from '../src/node/edge-node.js';

const dir = mkdtempSync(join(tmpdir(), 'fabrik-demo-site-'));
let nodes: EdgeNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('runs the demo as two edge nodes whose site query covers both lines', async () => {
  nodes = await startFabricDemo({ lines: 2, dataDir: dir, logger: pino({ level: 'silent' }), pgPort: 0 });
  expect(nodes).toHaveLength(2);
  expect(nodes[0]!.pgPort).toBeGreaterThan(0);
  const ask = async (): Promise<{ rows: unknown[][]; nodes: { node: string; state: string }[] }> => {
    const res = await fetch(`${nodes[1]!.url}/api/v1/query`, {
      method: 'POST', headers: { authorization: `Bearer ${nodes[1]!.adminToken.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: "SELECT split_part(tag, '.', 1) AS area, count(*) FROM samples GROUP BY 1 ORDER BY 1", scope: 'site' }),
    });
    return (await res.json()) as { rows: unknown[][]; nodes: { node: string; state: string }[] };
  };
  let answer = await ask();
  for (let i = 0; i < 100 && !answer.rows.some((r) => r[0] === 'line2'); i++) {
    await new Promise((r) => setTimeout(r, 200));
    answer = await ask();
  }
  expect(answer.nodes.filter((n) => n.state === 'answered').map((n) => n.node).sort()).toEqual(['line1', 'line2']);
  expect(answer.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['line1', 'line2', 'utilities']));
}, 60_000);

it('runs the TLS demo as two nodes that query each other over HTTPS with certificates from the demo CA', async () => {
  const tlsDir = mkdtempSync(join(tmpdir(), 'fabrik-demo-tls-site-'));
  const ca = await openDemoCa(tlsDir);
  const tlsNodes = await startFabricDemo({ lines: 2, dataDir: tlsDir, logger: pino({ level: 'silent' }), ca });
  try {
    expect(tlsNodes.map((n) => n.url)).toEqual([expect.stringMatching(/^https:/), expect.stringMatching(/^https:/)]);
    const sql = "SELECT split_part(tag, '.', 1) AS area, count(*) FROM samples GROUP BY 1 ORDER BY 1";
    let answer = (await tlsNodes[1]!.fabric.query(sql, { maxRows: 100, timeoutMs: 10_000, scope: 'site' })) as SiteQueryResult;
    for (let i = 0; i < 100 && !answer.rows.some((r) => r[0] === 'line1'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      answer = (await tlsNodes[1]!.fabric.query(sql, { maxRows: 100, timeoutMs: 10_000, scope: 'site' })) as SiteQueryResult;
    }
    expect(answer.nodes.filter((n) => n.state === 'answered').map((n) => n.node).sort()).toEqual(['line1', 'line2']);
    expect(tlsNodes[1]!.fabric.peerStatus().filter((p) => p.url.startsWith('https:') && p.state === 'up')).toHaveLength(1);
  } finally {
    for (const n of tlsNodes) await n.stop();
    rmSync(tlsDir, { recursive: true, force: true });
  }
}, 90_000);
