import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FABRIK_BIN, runCli } from './cli-process.js';
import { DEMO_CONFIG } from './edge-node-fixture.js';

/** `fabrik hub` and the commands that talk to it, as a user runs them. */
describe('fabrik hub CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-hub-cli-'));
  const hubDir = join(dir, 'hub');
  const child = spawn(process.execPath, [FABRIK_BIN, 'hub', '--http-port', '0', '--data-dir', hubDir, '--log-level', 'warn'], { env: { ...process.env, FABRIK_LOG_PRETTY: '0' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

  afterAll(async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a hub, mints an enrolment token, enrols a site and lists it; SIGTERM stops it cleanly', async () => {
    const until = Date.now() + 30_000;
    while (!/API\s+(http:\/\/\S+)\/api\/v1/.test(out)) {
      if (Date.now() > until) throw new Error(`no hub address printed:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const hub = /API\s+(http:\/\/\S+)\/api\/v1/.exec(out)![1]!;
    expect(existsSync(join(hubDir, 'secrets', 'hub-admin.token'))).toBe(true);
    const minted = await runCli(['hub', 'enrolment', '--hub', hub, '--data-dir', hubDir, '--site-id', 'demo']);
    expect(minted.code, minted.stderr).toBe(0);
    const { token } = JSON.parse(minted.stdout) as { token: string };
    const siteDir = join(dir, 'site');
    const enrolled = await runCli(['hub', 'enrol', '--hub', hub, '--enrolment-token', token, '--config', DEMO_CONFIG, '--data-dir', siteDir]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(siteDir, 'secrets', 'hub-credential.json'), 'utf8'))).toMatchObject({ hub, siteId: 'demo' });
    const again = await runCli(['hub', 'enrol', '--hub', hub, '--enrolment-token', token, '--config', DEMO_CONFIG, '--data-dir', siteDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/enrolment token is unknown, used/);
    const sites = await runCli(['hub', 'sites', '--hub', hub, '--data-dir', hubDir]);
    expect((JSON.parse(sites.stdout) as { sites: { siteId: string }[] }).sites.map((s) => s.siteId)).toEqual(['demo']);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
