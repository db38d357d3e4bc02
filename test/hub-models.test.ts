import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubCommand } from '../src/cli/hub-command.js';
import { loadSiteConfig, parseSiteConfig } from '../src/config/index.js';
import { pgliteDatabase, startHub, type Hub } from '../src/hub/index.js';
import { trainOnHub } from '../src/hub/models/index.js';
import { DEMO_LATHE_TAGS } from '../src/hub/training/index.js';
import { startEdgeNode } from '../src/node/edge-node.js';
import { generateSigningKey, publicKeyFromPem } from '../src/security/index.js';
import { DEMO_CONFIG, eventually, type RunningNode } from './edge-node-fixture.js';

const NAME = 'demo-lathe';

/**
 * The hub path of a model, end to end over real sockets: a real edge node
 * releases the lathe's raw samples to a real hub (PGlite), the hub trains on
 * them, distributes the version, and the node fetches it on its next contact,
 * checks the hub's signature and the SHA-256 and runs it in shadow; then activation and rollback on
 * the site, and a damaged artifact that the site refuses and reports.
 */
describe('hub trains on synced data, the site runs the model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-hub-models-'));
  const hubDir = join(dir, 'hub');
  const nodeDir = join(dir, 'node');
  let hub: Hub;
  let admin: string;
  let n: RunningNode;
  const started = Date.now();

  const hubCall = async (path: string, init: { method?: string; json?: unknown } = {}): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${hub.url}/api/v1${path}`, {
      method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
      headers: { authorization: `Bearer ${admin}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    return { status: res.status, body: await res.json() };
  };
  const siteModel = async (): Promise<any> => {
    const res = await n.api(`/api/v1/models/${NAME}`);
    return res.status === 200 ? res.json() : null;
  };
  const train = () => trainOnHub(hub.db, { kind: 'pca', siteId: 'demo', tags: DEMO_LATHE_TAGS, from: started - 60_000, to: Date.now() + 60_000, name: NAME, createdBy: 'test' });

  beforeAll(async () => {
    // The hub signs what it distributes; the site trusts its key (and so takes signed models only).
    const key = generateSigningKey();
    writeFileSync(join(dir, 'hub-signing.key'), key.privateKeyPem);
    hub = await startHub({ dataDir: hubDir, port: 0, logger: pino({ level: 'silent' }), signingKeyFile: join(dir, 'hub-signing.key') });
    admin = readFileSync(hub.adminTokenFile!, 'utf8').trim();
    const { body } = await hubCall('/enrolments', { json: { siteId: 'demo' } });
    writeFileSync(join(dir, 'enrol.token'), body.token);
    const config = parseSiteConfig({
      ...structuredClone(loadSiteConfig(DEMO_CONFIG)),
      sync: {
        hub: hub.url,
        credentialsFile: join(dir, 'hub-credential.json'),
        enrolmentTokenFile: join(dir, 'enrol.token'),
        collectEvery: '300ms',
        healthEvery: '5s',
        send: { raw: DEMO_LATHE_TAGS },
        uplink: { retryMin: '100ms', retryMax: '800ms', contactEvery: '500ms' },
      },
    });
    const node = await startEdgeNode({ config, configSource: { applied: null, trusted: [publicKeyFromPem(key.publicKeyPem, 'hub.pub')] }, dataDir: nodeDir, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }), seed: 7, tickMs: 200 });
    n = {
      node,
      dataDir: nodeDir,
      token: node.adminToken.token,
      api: (path, init = {}) => {
        const { json, token: _t, ...rest } = init;
        const headers = new Headers(rest.headers);
        headers.set('authorization', `Bearer ${node.adminToken.token}`);
        if (json !== undefined) headers.set('content-type', 'application/json');
        return fetch(`${node.url}${path}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json), method: rest.method ?? 'POST' } : {}) });
      },
      close: () => node.stop(),
    };
  }, 90_000);

  afterAll(async () => {
    await n?.close();
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains from the raw samples the site released, distributes in shadow, and the site scores it without events', async () => {
    // The hub trains once enough raw rows of the three lathe tags arrived.
    const v1 = await eventually(() => train().catch(() => null), 120_000, 1000);
    expect(v1).toMatchObject({ name: NAME, version: 1, source: { siteId: 'demo', data: 'raw', window: '1s' } });
    expect(v1.metrics).toHaveProperty('falseAlarmRate');
    const listed = await hubCall('/models');
    expect(listed.body.models).toEqual([expect.objectContaining({ name: NAME, version: 1, kind: 'pca', sha256: v1.sha256 })]);

    const dist = await hubCall(`/models/${NAME}/1/distribute`, { json: { sites: ['demo'] } });
    expect(dist.status).toBe(201);
    expect(dist.body.deployments).toEqual([expect.objectContaining({ siteId: 'demo', version: 1, mode: 'shadow', state: 'pending' })]);

    // On its next contact the site fetches it, checks it and starts it in shadow; the hub sees it applied.
    const shadow = await eventually(async () => ((await siteModel())?.shadow === 'v1' ? siteModel() : null), 30_000);
    expect(n.node.rollout.trusted).toHaveLength(1);
    expect(shadow).toMatchObject({ name: NAME, active: null, shadow: 'v1', versions: [expect.objectContaining({ version: 'v1', sha256: v1.sha256, source: 'hub' })] });
    await eventually(async () => (await hubCall(`/models/${NAME}/1`)).body.deployments[0].state === 'applied', 30_000);
    const sites = await hubCall('/sites/demo');
    expect(sites.body.models).toEqual(expect.arrayContaining([expect.objectContaining({ name: NAME, version: null, shadow: 'v1', sha256s: [v1.sha256] })]));

    // Shadow scores are recorded every window; no anomaly events come from a shadow.
    await eventually(async () => ((await siteModel())?.health?.details?.shadow?.runs ?? 0) >= 3, 30_000);
    const scoreTag = n.node.tags.index(`${NAME}.shadow.anomaly_score`);
    expect(scoreTag).toBeDefined();
    await eventually(async () => n.node.store.latest(scoreTag!) !== undefined, 30_000);
    expect(await n.node.store.events({ kind: 'anomaly', limit: 100 }).then((e) => e.filter((x) => x.payload['model'] === NAME))).toEqual([]);
  }, 240_000);

  it('activates on the site, switches to a newer hub version in one step, and rolls back in one call', async () => {
    const act = await n.api(`/api/v1/models/${NAME}/activate`, { json: { version: 'v1' } });
    expect(act.status).toBe(200);
    expect(await act.json()).toEqual({ from: null, to: 'v1' });

    const v2 = await train();
    expect(v2.version).toBe(2);
    expect((await hubCall(`/models/${NAME}/2/distribute`, { json: { sites: ['demo'], mode: 'active' } })).status).toBe(201);
    await eventually(async () => (await siteModel())?.active === 'v2', 30_000);
    expect((await siteModel()).versions.map((v: { sha256: string }) => v.sha256)).toEqual([expect.any(String), v2.sha256]);
    await eventually(async () => ((await siteModel())?.health?.details?.active?.runs ?? 0) >= 1, 30_000);

    const back = await n.api(`/api/v1/models/${NAME}/rollback`, { method: 'POST' });
    expect(back.status).toBe(200);
    expect(await back.json()).toEqual({ from: 'v2', to: 'v1' });
    expect((await siteModel()).active).toBe('v1');
  }, 120_000);

  it('refuses an artifact that does not match its checksum, keeps running what it has, and tells the hub', async () => {
    // Trained inside the running hub this time, through its API.
    const trained = await hubCall('/models/train', { json: { kind: 'pca', siteId: 'demo', tags: DEMO_LATHE_TAGS, from: new Date(started - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), name: NAME } });
    expect(trained.status).toBe(201);
    const v3 = trained.body as { version: number; sha256: string };
    expect(v3.version).toBe(3);
    // The stored bytes change after the hub recorded their SHA-256 (a damaged disk, a tampered row).
    await hub.db.query("UPDATE hub_models SET onnx = onnx || '\\x00'::bytea WHERE name = $1 AND version = $2", [NAME, v3.version]);
    expect((await hubCall(`/models/${NAME}/${v3.version}/distribute`, { json: { sites: ['demo'], mode: 'active' } })).status).toBe(201);
    const refused = await eventually(async () => {
      const d = (await hubCall(`/models/${NAME}/${v3.version}`)).body.deployments[0];
      return d.state === 'refused' ? d : null;
    }, 30_000);
    expect(refused.error).toMatch(/SHA-256 .* but the hub announced .* not installed/);
    const m = await siteModel();
    expect(m.active).toBe('v1');
    expect(m.versions).toHaveLength(2);
    expect((await hubCall('/sites/demo/models')).body.deployments).toEqual([expect.objectContaining({ name: NAME, version: v3.version, state: 'refused' })]);
  }, 60_000);

  it('checks input: unknown sites, versions and modes; only distributed versions can be downloaded', async () => {
    expect((await hubCall('/models/train', { json: { kind: 'image-classifier', siteId: 'demo', tags: ['x'], from: 0, to: 1 } })).body.error.message).toMatch(/pictures stay on the site/);
    expect((await hubCall('/models/train', { json: { kind: 'pca', siteId: 'demo', tags: [], from: 0, to: 1 } })).status).toBe(400);
    expect((await hubCall('/models/train', { json: { kind: 'pca', siteId: 'demo', tags: ['x'], from: 'yesterday', to: 1 } })).status).toBe(400);
    expect((await hubCall(`/models/${NAME}/1/distribute`, { json: { sites: ['nowhere'] } })).status).toBe(404);
    expect((await hubCall(`/models/${NAME}/99/distribute`, { json: { sites: ['demo'] } })).status).toBe(404);
    expect((await hubCall(`/models/${NAME}/1/distribute`, { json: { sites: ['demo'], mode: 'maybe' } })).status).toBe(400);
    expect((await hubCall(`/models/${NAME}/x/distribute`, { json: { sites: ['demo'] } })).status).toBe(400);
    const cred = JSON.parse(readFileSync(join(dir, 'hub-credential.json'), 'utf8')) as { credential: string };
    const ok = await fetch(`${hub.url}/api/v1/sync/models/${NAME}/2`, { headers: { authorization: `Bearer ${cred.credential}` } });
    expect(ok.status).toBe(404); // distribution moved on to version 3
    const viewer = await fetch(`${hub.url}/api/v1/sync/models/${NAME}/3`, { headers: { authorization: `Bearer ${admin}` } });
    expect(viewer.status).toBe(403);
  });

  it('fabrik hub train runs the same training from the command line against the hub database', async () => {
    await n.close();
    await hub.close();
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      await hubCommand().parseAsync(['train', '--kind', 'iforest', '--site', 'demo', '--tags', DEMO_LATHE_TAGS.join(','), '--from', new Date(started - 60_000).toISOString(), '--to', new Date().toISOString(), '--data-dir', hubDir], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    expect(out.join('')).toMatch(/model demo-iforest version 1 \(iforest\) trained .* rows of raw data/);
    const db = await pgliteDatabase(join(hubDir, 'hub-db'));
    try {
      expect((await db.query("SELECT version FROM hub_models WHERE name = 'demo-iforest'")).rows).toEqual([{ version: 1 }]);
    } finally {
      await db.close();
    }
  }, 60_000);
});
