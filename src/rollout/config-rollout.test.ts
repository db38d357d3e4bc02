import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSiteConfigText, type SiteConfig } from '../config/index.js';
import type { FabrikEvent } from '../core/index.js';
import { generateSigningKey, publicKeyFromPem, signConfig } from '../security/index.js';
import { ConfigRollout, type ReconfigureOutcome } from './config-rollout.js';
import { ConfigVersions } from './config-versions.js';

const doc = (name: string) => `site: { id: plant1, name: "${name}", enterprise: acme }\n`;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(reconfigure: (c: SiteConfig) => Promise<ReconfigureOutcome>) {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-rollout-unit-'));
  dirs.push(dir);
  const key = generateSigningKey();
  const events: FabrikEvent[] = [];
  const running: string[] = [];
  const rollout = new ConfigRollout({
    versions: new ConfigVersions(dir),
    trusted: [publicKeyFromPem(key.publicKeyPem, 'k')],
    target: {
      reconfigure: async (c) => {
        running.push(c.site.name);
        return reconfigure(c);
      },
    },
    current: { config: parseSiteConfigText(doc('v0')), applied: null },
    recordEvent: (e) => events.push(e),
    siteAsset: 'acme/plant1',
  });
  return { rollout, key, events, running, sign: (name: string, version: number) => signConfig(doc(name), { privateKeyPem: key.privateKeyPem, version }) };
}

describe('ConfigRollout', () => {
  it('goes back to the previous config when switching throws half way', async () => {
    const { rollout, running, events, sign } = setup(async (c) => {
      if (c.site.name === 'broken') throw new Error('pipeline could not be built');
      return { ok: true, restartRequired: [] };
    });
    await expect(rollout.apply(sign('broken', 1), 'tester')).rejects.toMatchObject({ code: 'CONFIG_ROLLED_BACK' });
    expect(running).toEqual(['broken', 'v0']);
    expect(rollout.config.site.name).toBe('v0');
    expect(events.map((e) => e.kind)).toEqual(['config.rolled-back']);
    expect(events[0]!.payload).toMatchObject({ actor: 'tester', failed: { node: 'pipeline could not be built' } });
  });

  it('applies one document at a time and treats the same document again as no change', async () => {
    let release!: () => void;
    let entered!: () => void;
    const switching = new Promise<void>((r) => (entered = r));
    const { rollout, sign } = setup(
      () =>
        new Promise((r) => {
          release = () => r({ ok: true, restartRequired: [] });
          entered();
        }),
    );
    const first = rollout.apply(sign('a', 1), 't');
    await expect(rollout.apply(sign('b', 2), 't')).rejects.toMatchObject({ code: 'CONFIG_APPLY_BUSY' });
    await switching;
    release();
    expect(await first).toMatchObject({ version: 1 });
    expect(await rollout.apply(sign('a', 1), 't')).toEqual({ version: 1, unchanged: true });
    expect((await rollout.status())['version']).toBe(1);
  });
});
