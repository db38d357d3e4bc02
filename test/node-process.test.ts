import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CONFIG } from './edge-node-fixture.js';
import { runCli, startCli } from './cli-process.js';

// The CLI as a user runs it: real processes, real signals, kill -9.
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fabrik-cli-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function count(url: string, token: string, sql: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return Number(((await res.json()) as { rows: unknown[][] }).rows[0]![0]);
}

describe('fabrik CLI', () => {
  it('has --help on every subcommand, found by walking the help itself', async () => {
    // Every command the CLI lists, and every command those list, answers --help with its usage.
    const seen: string[] = [];
    let level: string[][] = [[]];
    while (level.length > 0) {
      const next: string[][] = [];
      // A few at a time: each is a process start, and there are dozens.
      for (let i = 0; i < level.length; i += 4) {
        const results = await Promise.all(level.slice(i, i + 4).map(async (args) => ({ args, r: await runCli([...args, '--help']) })));
        for (const { args, r } of results) {
          const name = ['fabrik', ...args].join(' ');
          seen.push(name);
          expect(r.code, name).toBe(0);
          expect(r.stdout, name).toContain(`Usage: ${name}`);
          const commands = r.stdout.split(/\nCommands:\n/)[1] ?? '';
          for (const m of commands.matchAll(/^ {2}([a-z][a-z0-9-]*)/gm)) if (m[1] !== 'help') next.push([...args, m[1]!]);
        }
      }
      level = next;
    }
    for (const must of ['fabrik demo', 'fabrik node', 'fabrik sim', 'fabrik query', 'fabrik config validate', 'fabrik config schema', 'fabrik hub train', 'fabrik discover opcua', 'fabrik spc report']) {
      expect(seen).toContain(must);
    }
    expect(seen.length).toBeGreaterThan(40);
  }, 300_000);

  it('validates configs and prints the JSON Schema', async () => {
    const ok = await runCli(['config', 'validate', DEMO_CONFIG]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid — site "demo"/);
    const badFile = join(tempDir(), 'bad.yaml');
    writeFileSync(badFile, 'site: { id: Demo, name: x, enterprise: acme }\ndevices: [{ id: a, protocol: profinet }]\n');
    const bad = await runCli(['config', 'validate', badFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/site\.id: expected a lower-case identifier/);
    expect(bad.stderr).toMatch(/devices\[0\]\.protocol/);
    const schema = await runCli(['config', 'schema']);
    expect(JSON.parse(schema.stdout)).toHaveProperty('properties.devices');
  }, 120_000);

  it('loses nothing acknowledged when the node is killed with -9, and drains on SIGTERM', async () => {
    const dataDir = tempDir();
    const args = ['demo', '--lines', '1', '--data-dir', dataDir, '--http-port', '0', '--seed', '3'];
    const first = await startCli(args);
    const token = readFileSync(join(dataDir, 'secrets', 'admin.token'), 'utf8').trim();
    expect(statSync(join(dataDir, 'secrets', 'admin.token')).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(join(dataDir, 'secrets', 'admin.token'));

    // What a query has seen was committed: that is the acknowledged state.
    let acknowledged = 0;
    const until = Date.now() + 4000;
    while (Date.now() < until) {
      acknowledged = await count(first.url, token, 'select count(*) from samples');
      await new Promise((r) => setTimeout(r, 150));
    }
    const tagsBefore = await count(first.url, token, 'select count(distinct tag) from samples');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(acknowledged).toBeGreaterThan(0);

    const second = await startCli(args);
    expect(second.output()).not.toContain('(new)');
    const after = await count(second.url, token, 'select count(*) from samples');
    expect(after).toBeGreaterThanOrEqual(acknowledged);
    expect(await count(second.url, token, 'select count(distinct tag) from samples')).toBeGreaterThanOrEqual(tagsBefore);
    expect(await count(second.url, token, 'select count(*) - count(distinct (tag, ts)) from samples')).toBe(0);

    second.child.kill('SIGTERM');
    const exit = await second.exited;
    expect(exit.code).toBe(0);
    expect(second.output()).toMatch(/stopped cleanly/);
  }, 60_000);

  it('says which port is taken, in one line', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['demo', '--data-dir', tempDir(), '--http-port', String(port)]);
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('fabrik:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(String(port));
      expect(lines[0]).toMatch(/--http-port|FABRIK_HTTP_PORT/);
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('mints tokens from the command line that the API accepts with their role', async () => {
    const dataDir = tempDir();
    const made = await runCli(['token', 'create', '--role', 'viewer', '--name', 'grafana', '--data-dir', dataDir]);
    expect(made.code).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^fbk_/);
    const node = await startCli(['demo', '--lines', '1', '--data-dir', dataDir, '--http-port', '0'], { env: { FABRIK_SEED: '5' } });
    try {
      const tags = await fetch(`${node.url}/api/v1/tags`, { headers: { authorization: `Bearer ${token}` } });
      expect(tags.status).toBe(200);
      const denied = await fetch(`${node.url}/api/v1/tokens`, { headers: { authorization: `Bearer ${token}` } });
      expect(denied.status).toBe(403);
      const q = await runCli(['query', '--url', node.url, '--token', token, '--format', 'json', 'select 41 + 1 as answer']);
      expect(JSON.parse(q.stdout)).toMatchObject({ columns: ['answer'], rows: [[42]] });
    } finally {
      node.child.kill('SIGTERM');
      await node.exited;
    }
  }, 60_000);
});
