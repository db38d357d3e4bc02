import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSiteConfig, parseSiteConfig, parseSiteConfigText, siteConfigJsonSchema } from './index.js';

const DEMO = fileURLToPath(new URL('../../examples/demo-site.yaml', import.meta.url));

const minimal = {
  site: { id: 'plant1', name: 'Plant 1', enterprise: 'acme' },
  devices: [{ id: 'plc1', protocol: 'sim', tags: [{ id: 'line1.oven.temp', asset: 'acme/plant1/baking/line1/oven', address: 'x', unit: 'degC' }] }],
};

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('site config', () => {
  it('loads the demo plant with defaults filled in', () => {
    const cfg = loadSiteConfig(DEMO);
    expect(cfg.site.id).toBe('demo');
    expect(cfg.devices.length).toBeGreaterThan(2);
    expect(cfg.pipeline.processors.map((p) => p.type)).toContain('deadband');
    expect(cfg.api.port).toBe(8080);
    expect(cfg.store.commitInterval).toBe(200);
  });

  it('parses durations written as text', () => {
    const cfg = parseSiteConfig({ ...minimal, retention: { classes: { standard: { raw: '30d' } } }, store: { commitInterval: '50ms' } });
    expect(cfg.retention.classes['standard']!.raw).toBe(30 * 86_400_000);
    expect(cfg.store.commitInterval).toBe(50);
  });

  it('names the exact path and what is expected', () => {
    const bad = structuredClone(minimal) as typeof minimal & { devices: { tags: Record<string, unknown>[] }[] };
    bad.devices[0]!.tags[0]!['deadband'] = { absolute: -1 };
    bad.devices[0]!.tags[0]!['range'] = { low: 10, high: 5 };
    const issues = issuesOf(() => parseSiteConfig(bad));
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['devices[0].tags[0].deadband.absolute', 'devices[0].tags[0].range']));
    expect(issues.find((i) => i.path === 'devices[0].tags[0].range')!.message).toMatch(/low must be below high/);
  });

  it('rejects a malformed duration with an example of a good one', () => {
    const issues = issuesOf(() => parseSiteConfig({ ...minimal, store: { commitInterval: 'soon' } }));
    expect(issues[0]).toEqual({ path: 'store.commitInterval', message: expect.stringMatching(/"250ms".*"soon"/) });
  });

  it('rejects unknown keys instead of ignoring typos', () => {
    const issues = issuesOf(() => parseSiteConfig({ ...minimal, retenion: {} }));
    expect(issues[0]!.message).toMatch(/retenion/);
  });

  it('rejects duplicate tag ids and undeclared assets', () => {
    const doc = {
      ...minimal,
      assets: [{ path: 'acme/plant1/baking/line1/oven' }],
      devices: [
        minimal.devices[0],
        { id: 'plc2', protocol: 'sim', tags: [{ id: 'line1.oven.temp', asset: 'acme/plant1/baking/line2/oven', address: 'y' }] },
      ],
    };
    const issues = issuesOf(() => parseSiteConfig(doc));
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'devices[1].tags[0].id', message: 'duplicate tag id "line1.oven.temp" (also on device plc1)' },
        { path: 'devices[1].tags[0].asset', message: 'asset "acme/plant1/baking/line2/oven" is not declared under assets' },
      ]),
    );
  });

  it('rejects bad asset paths and tag ids', () => {
    const doc = structuredClone(minimal);
    doc.devices[0]!.tags[0]!.asset = 'Acme/Plant 1';
    doc.devices[0]!.tags[0]!.id = 'bad id!';
    const paths = issuesOf(() => parseSiteConfig(doc)).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['devices[0].tags[0].asset', 'devices[0].tags[0].id']));
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf(() => parseSiteConfigText('site:\n  id: x\n  name: [unclosed\n', 'bad.yaml'));
    expect(issues[0]!.path).toMatch(/^line \d+/);
    expect(issues[0]!.message).toMatch(/^YAML:/);
  });

  it('says which file could not be read', () => {
    expect(() => loadSiteConfig('/nonexistent/site.yaml')).toThrow(/\/nonexistent\/site\.yaml.*cannot read/s);
  });

  it('exports a JSON Schema that describes the document', () => {
    const schema = siteConfigJsonSchema() as { $schema: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['site', 'assets', 'devices', 'pipeline', 'retention', 'store', 'api']));
    expect(schema.required).toEqual(['site']);
  });
});
