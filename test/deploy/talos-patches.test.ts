import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

// Talos machine config patches validated against Talos' published JSON Schema (a vendored
// subset of v1.13's; see deploy/talos/schema/README.md) with ajv, draft 2020-12.
const TALOS = fileURLToPath(new URL('../../deploy/talos/', import.meta.url));
const schema = JSON.parse(readFileSync(`${TALOS}schema/talos-v1.13-config.subset.schema.json`, 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
const patches = readdirSync(TALOS).filter((f) => f.endsWith('.patch.yaml'));
const docsOf = (file: string) => parseAllDocuments(readFileSync(`${TALOS}${file}`, 'utf8')).map((d) => d.toJS() as Record<string, any>);
const problems = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`));

describe('Talos patches', () => {
  it('finds the patches', () => {
    expect(patches.sort()).toEqual(['edge-node.patch.yaml', 'ha-3-node.patch.yaml', 'single-node.patch.yaml']);
  });

  it.each(patches)('%s: every document is valid Talos v1.13 config', (file) => {
    for (const doc of docsOf(file)) expect(problems(doc), JSON.stringify(doc).slice(0, 80)).toEqual([]);
  });

  it('turns on NetworkPolicy enforcement, time sync, the data volume, and schedulable control planes', () => {
    const edge = docsOf('edge-node.patch.yaml');
    const v1 = edge.find((d) => !d['kind'])!;
    expect(v1['cluster'].network.cni).toEqual({ name: 'flannel', flannel: { kubeNetworkPoliciesEnabled: true } });
    expect(v1['machine'].install.disk).toMatch(/^\/dev\//);
    expect(Object.keys(v1['machine'].sysctls).length).toBeGreaterThan(3);
    expect(edge.find((d) => d['kind'] === 'TimeSyncConfig')!['ntp'].servers.length).toBeGreaterThan(0);
    expect(edge.find((d) => d['kind'] === 'UserVolumeConfig')).toMatchObject({ name: 'fabrik-data', filesystem: { type: 'xfs' } });
    for (const f of ['single-node.patch.yaml', 'ha-3-node.patch.yaml']) expect(docsOf(f)[0]!['cluster'].allowSchedulingOnControlPlanes).toBe(true);
    // The data volume is where local-path puts Fabrik's PVCs.
    expect(readFileSync(`${TALOS}local-path-config.yaml`, 'utf8')).toContain('/var/mnt/fabrik-data');
  });

  it('the schema catches mistakes: a misspelt key, a wrong type, a field Talos v1.13 moved away', () => {
    expect(problems({ cluster: { network: { cni: { name: 'flannel', flannel: { kubeNetworkPolicyEnabled: true } } } } }).join()).toMatch(/must NOT have additional properties|must match exactly one/);
    expect(problems({ cluster: { allowSchedulingOnControlPlanes: 'yes' } })).not.toEqual([]);
    expect(problems({ machine: { time: { servers: ['pool.ntp.org'] } } })).not.toEqual([]);
    expect(problems({ apiVersion: 'v1alpha1', kind: 'UserVolumeConfig', name: 'x', filesystem: { type: 'btrfs' } })).not.toEqual([]);
  });
});
