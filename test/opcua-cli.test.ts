import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSiteConfig } from '../src/config/index.js';
import { createPlant } from '../src/sim/index.js';
import { FABRIK_BIN, runCli } from './cli-process.js';
import { tempDir } from './opcua-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('fabrik sim --opcua-port and fabrik discover opcua', () => {
  it('serves the plant over OPC UA and discovers it as bindings the site config accepts', async () => {
    const dirs = await tempDir('fabrik-opcua-cli-');
    cleanups.push(dirs.remove);
    const sim = spawn(process.execPath, [FABRIK_BIN, 'sim', '--opcua-port', '0', '--opcua-pki', `${dirs.dir}/sim-pki`, '--duration', '120', '--signals', 'cnc1.lathe.state'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => sim.on('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (sim.exitCode === null) sim.kill('SIGKILL');
      await exited;
    });
    const endpoint = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`no endpoint printed:\n${err}`)), 60_000);
      sim.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /OPC UA server: (opc\.tcp:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });

    const run = await runCli(['discover', 'opcua', endpoint, '--data-dir', `${dirs.dir}/client`, '--device-id', 'plant'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^# Discovered on opc\.tcp:/);
    const fragment = parse(run.stdout) as object;
    const config = parseSiteConfig({ site: { id: 'disc', name: 'Discovered', enterprise: 'acme' }, ...fragment });
    expect(config.devices[0]!.tags).toHaveLength(createPlant().signals().length);
    expect(config.devices[0]).toMatchObject({ id: 'plant', protocol: 'opcua', options: { endpoint } });

    const bad = await runCli(['discover', 'opcua', 'http://not-opcua'], { timeoutMs: 30_000 });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/opc\.tcp:\/\//);
    sim.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 120_000);
});
