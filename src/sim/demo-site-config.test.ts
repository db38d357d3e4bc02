import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSiteConfig, parseSiteConfig } from '../config/index.js';
import { createPlant, demoSiteConfig } from './index.js';

const YAML = new URL('../../examples/demo-site.yaml', import.meta.url);

describe('demo site config', () => {
  it('examples/demo-site.yaml validates and matches the generator for one line', () => {
    const file = loadSiteConfig(YAML.pathname);
    const generated = parseSiteConfig(demoSiteConfig({ lines: 1 }));
    const ids = (c: typeof file) => c.devices.flatMap((d) => d.tags.map((t) => `${d.id}/${t.id}@${t.address}`));
    expect(ids(file)).toEqual(ids(generated));
    // Beyond ids: the YAML is the generator's document, comments aside.
    expect(file).toEqual(generated);
  });

  it('binds every plant signal exactly once and declares every asset', () => {
    const cfg = parseSiteConfig(demoSiteConfig({ lines: 3 }));
    const plant = createPlant({ lines: 3 });
    const tags = cfg.devices.flatMap((d) => d.tags);
    expect(tags.map((t) => t.address).sort()).toEqual(plant.signals().map((s) => s.address).sort());
    expect(cfg.assets.find((a) => a.path === 'acme/demo/bottling/line3/capper')).toMatchObject({ stateTag: 'line3.capper.state', kind: 'machine' });
    expect(cfg.shifts).toHaveLength(3);
  });

  it('scales to ~10,000 tags that still validate', () => {
    const cfg = parseSiteConfig(demoSiteConfig({ lines: 526 }));
    expect(cfg.devices.reduce((n, d) => n + d.tags.length, 0)).toBeGreaterThanOrEqual(10_000);
  });

  it('is plain text a plant engineer can read', () => {
    expect(readFileSync(YAML, 'utf8')).toMatch(/^# Fabrik site config/);
  });
});
