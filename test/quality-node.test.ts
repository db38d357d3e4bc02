import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig, type SiteConfig } from '../src/config/index.js';
import { startEdgeNode, type EdgeNode } from '../src/node/edge-node.js';
import { demoSiteConfig } from '../src/sim/index.js';
import { webhookSchema } from '../src/notify/index.js';
import { tagAlarmsSchema } from '../src/alarms/index.js';
import { mqttSiteSchema } from '../src/broker/index.js';
import { runCli } from './cli-process.js';
import { eventually } from './edge-node-fixture.js';

// A real node on the demo plant: a fault injected through the sim API must end
// as a stored SPC violation, a marked chart point and an alarm an operator
// acknowledges (audited); a restart keeps the limits and the acknowledgement.

interface EventJson {
  kind: string;
  ts: string | number;
  tag?: string;
  payload: Record<string, unknown>;
}

function quickConfig(): SiteConfig {
  const demo = demoSiteConfig();
  return parseSiteConfig({
    ...demo,
    inference: {},
    spc: {
      characteristics: [
        { id: 'filler-volume', name: 'Line 1 fill volume', tag: 'line1.filler.fill_volume', chart: 'imr', spec: { lsl: 496, usl: 504 }, baseline: { mode: 'phase1', subgroups: 8 } },
      ],
    },
  });
}

describe('SPC and alarms in a running node', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fabrik-quality-'));
  const config = quickConfig();
  let node: EdgeNode;
  let admin: string;
  const start = async () => {
    node = await startEdgeNode({ config, dataDir, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }), seed: 3, tickMs: 200, webRoot: false });
    admin = node.adminToken.token;
  };
  const api = async <T,>(path: string, init: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${node.url}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${init.token ?? admin}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const events = async (kind: string) => (await api<{ events: EventJson[] }>(`/api/v1/events?kind=${kind}`)).body.events;

  // A real webhook receiver: violations and alarms are posted to it.
  const posted: { kind: string; payload: Record<string, unknown> }[] = [];
  let receiver: Server;
  let uns: mqtt.MqttClient | undefined;
  const topics: string[] = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        posted.push(JSON.parse(text) as (typeof posted)[number]);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    config.notify.webhooks = [webhookSchema.parse({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/fabrik`, kinds: ['spc.violation', 'alarm.*'] })];
    // The node's own broker publishes every event to the unified namespace.
    config.mqtt = mqttSiteSchema.parse({ broker: { port: 0, tls: 'off' }, uns: { samples: false, retain: false } });
    await start();
    const broker = node.health().components['mqtt-broker']?.details?.['url'] as string;
    uns = await mqtt.connectAsync(broker, { username: 'test', password: admin, reconnectPeriod: 0 });
    uns.on('message', (topic) => topics.push(topic));
    await uns.subscribeAsync('acme/#');
  }, 60_000);
  afterAll(async () => {
    await uns?.endAsync();
    receiver?.close();
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let limits: { center: number; ucl: number; lcl: number };
  let operator: string;
  const ALARM = 'line1.filler.fill_volume.deviation';

  it('fixes phase I limits from the first points and lists the characteristic', async () => {
    const established = await eventually(async () => (await events('spc.limits.established')).find((e) => e.payload['characteristic'] === 'filler-volume'), 60_000, 250);
    limits = established.payload['limits'] as typeof limits;
    expect(limits.lcl).toBeLessThan(limits.center);
    expect(limits.ucl).toBeGreaterThan(limits.center);
    const list = await api<{ characteristics: { id: string; status: string; tag: string; unit: string; chart: string }[] }>('/api/v1/spc/characteristics');
    expect(list.body.characteristics).toEqual([expect.objectContaining({ id: 'filler-volume', tag: 'line1.filler.fill_volume', unit: 'mL', chart: 'imr' })]);
    expect(list.body.characteristics[0]!.status).not.toBe('baseline');
  }, 90_000);

  it('turns an injected fill-volume step into a stored violation, a marked chart point and an alarm', async () => {
    const fault = await api<{ id: string }>('/api/v1/sim/faults', { body: { signal: 'line1.filler.fill_volume', type: 'step', magnitude: 12, durationMs: 60_000 } });
    expect(fault.status).toBe(201);
    const violation = await eventually(async () => (await events('spc.violation')).find((e) => e.payload['characteristic'] === 'filler-volume' && (e.payload['rules'] as { rule: string }[]).some((r) => r.rule === 'we1')), 60_000, 250);
    const rule = (violation.payload['rules'] as { rule: string; points: number[]; chart: string }[]).find((r) => r.rule === 'we1')!;
    expect(rule.chart).toBe('I');
    expect(rule.points).toHaveLength(1);
    expect(violation.tag).toBe('line1.filler.fill_volume');

    const chart = await eventually(async () => {
      const r = await api<{ charts: { name: string; points: { violations: string[] }[] }[]; violations: { rule: string; chart: string }[] }>('/api/v1/spc/filler-volume/chart');
      return r.body.violations.some((v) => v.rule === 'we1') ? r.body : undefined;
    }, 30_000, 500);
    expect(chart.charts.map((c) => c.name)).toEqual(['I', 'MR']);
    expect(chart.charts[0]!.points.some((p) => p.violations.includes('we1'))).toBe(true);

    const alarm = await eventually(async () => (await api<{ alarms: { id: string; active: boolean; acknowledged: boolean; priority: string }[] }>('/api/v1/alarms?state=unacked')).body.alarms.find((a) => a.id === ALARM), 60_000, 250);
    expect(alarm).toMatchObject({ active: true, acknowledged: false, priority: 'low' });
    await eventually(async () => posted.some((p) => p.kind === 'spc.violation') && posted.some((p) => p.kind === 'alarm.active' && p.payload['alarm'] === ALARM), 15_000, 200);
    await eventually(async () => topics.includes('acme/demo/bottling/line1/filler/events/alarm.active') && topics.includes('acme/demo/bottling/line1/filler/events/spc.violation'), 15_000, 200);
  }, 150_000);

  it('prints the report of a characteristic with `fabrik spc report`', async () => {
    const run = await runCli(['spc', 'report', 'filler-volume', '--url', node.url, '--token', admin], { timeoutMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Line 1 fill volume \(filler-volume\) — imr, n = 1/);
    expect(run.stdout).toMatch(/I {4} CL [\d.]+ {2}UCL/);
    expect(run.stdout).toMatch(/we1 +I +/);
    const list = await runCli(['spc', 'list', '--url', node.url, '--token', admin], { timeoutMs: 60_000 });
    expect(list.stdout).toContain('filler-volume');
  }, 90_000);

  it('lets an operator acknowledge with a comment, refuses a viewer, and audits and journals the acknowledgement', async () => {
    const created = await api<{ token: string }>('/api/v1/tokens', { body: { role: 'operator', name: 'shift-a' } });
    operator = created.body.token;
    const viewer = (await api<{ token: string }>('/api/v1/tokens', { body: { role: 'viewer', name: 'wall' } })).body.token;
    const denied = await api(`/api/v1/alarms/${ALARM}/ack`, { token: viewer, body: { comment: 'x' } });
    expect(denied.status).toBe(403);
    const ack = await api<{ acknowledged: boolean }>(`/api/v1/alarms/${ALARM}/ack`, { token: operator, body: { comment: 'filler valve checked' } });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledged).toBe(true);
    const again = await api<{ error: { code: string } }>(`/api/v1/alarms/${ALARM}/ack`, { token: operator, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALARM_ALREADY_ACKNOWLEDGED');

    const audit = await eventually(async () => (await api<{ entries: { action: string; actor: string; details: Record<string, unknown> }[] }>('/api/v1/audit?action=alarm.acknowledged')).body.entries[0], 15_000, 200);
    expect(audit.actor).toMatch(/^shift-a /);
    expect(audit.details['comment']).toBe('filler valve checked');
    const journal = await eventually(async () => {
      const entries = (await api<{ entries: { alarmId: string; transition: string; user?: string; comment?: string }[] }>('/api/v1/alarms/journal')).body.entries;
      return entries.some((e) => e.transition === 'acknowledged') ? entries : undefined;
    }, 15_000, 200);
    expect(journal.find((e) => e.transition === 'acknowledged')).toMatchObject({ alarmId: ALARM, comment: 'filler valve checked' });
    expect(journal.some((e) => e.alarmId === ALARM && e.transition === 'active')).toBe(true);

    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(metrics).toMatch(/fabrik_spc_violations_total\{characteristic="filler-volume"\} [1-9]/);
    expect(metrics).toMatch(/fabrik_alarm_activations_total\{priority="low"\} [1-9]/);
    expect(metrics).toMatch(/fabrik_alarms\{state="(acknowledged|normal)"\} [1-9]/);
    expect(metrics).toMatch(/fabrik_webhook_events\{webhook="127\.0\.0\.1:\d+",outcome="sent"\} [1-9]/);

    const shelved = await api<{ shelvedUntil?: number }>(`/api/v1/alarms/line1.filler.product_temp.hi/shelve`, { token: operator, body: { comment: 'sensor being replaced', minutes: 30 } });
    expect(shelved.status).toBe(200);
    expect(shelved.body.shelvedUntil).toBeGreaterThan(Date.now());
    const tooLong = await api(`/api/v1/alarms/line1.filler.product_temp.hi/shelve`, { token: operator, body: { comment: 'forever', minutes: 100_000 } });
    expect(tooLong.status).toBe(400);
  }, 60_000);

  it('keeps limits, acknowledgement and shelving across a restart (rebuilt from the store)', async () => {
    await node.stop();
    await start();
    const list = await api<{ characteristics: { id: string; status: string; limits?: { center: number } }[] }>('/api/v1/spc/characteristics');
    expect(list.body.characteristics[0]!.status).not.toBe('baseline');
    expect(list.body.characteristics[0]!.limits?.center).toBeCloseTo(limits.center, 10);
    const all = (await api<{ alarms: { id: string; acknowledged: boolean; shelvedUntil?: number }[] }>('/api/v1/alarms?state=configured')).body.alarms;
    expect(all.find((a) => a.id === ALARM)?.acknowledged).toBe(true);
    expect(all.find((a) => a.id === 'line1.filler.product_temp.hi')?.shelvedUntil).toBeGreaterThan(Date.now());
  }, 90_000);

  it('lets an engineer set limits (audited) and refuses an operator', async () => {
    const refused = await api(`/api/v1/spc/filler-volume/baseline`, { token: operator, body: { limits: { center: 500, ucl: 505, lcl: 495 } } });
    expect(refused.status).toBe(403);
    const bad = await api<{ error: { code: string } }>(`/api/v1/spc/filler-volume/baseline`, { body: { limits: { center: 500, ucl: 495, lcl: 505 } } });
    expect(bad.status).toBe(400);
    const study = await api<{ limits: { source: string; center: number } }>(`/api/v1/spc/filler-volume/baseline`, { body: { from: Date.now() - 600_000, to: Date.now(), comment: 'after the valve repair' } });
    expect(study.status).toBe(200);
    expect(study.body.limits.source).toBe('phase1');
    const empty = await api<{ error: { code: string } }>(`/api/v1/spc/filler-volume/baseline`, { body: { from: 0, to: 1000 } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('SPC_INSUFFICIENT_DATA');
    const set = await api<{ limits: { center: number; ucl: number } }>(`/api/v1/spc/filler-volume/baseline`, { body: { limits: { center: 500, ucl: 505, lcl: 495 }, comment: 'from the design study' } });
    expect(set.status).toBe(200);
    expect(set.body.limits).toMatchObject({ center: 500, ucl: 505, source: 'fixed' });
    const audit = await eventually(async () => (await api<{ entries: { action: string; details: Record<string, unknown> }[] }>('/api/v1/audit?action=spc.limits.changed')).body.entries[0], 15_000, 200);
    expect(audit.details['characteristic']).toBe('filler-volume');
    const missing = await api<{ error: { code: string } }>('/api/v1/spc/nope/chart');
    expect(missing.status).toBe(404);
  }, 30_000);

  it('applies a changed config: new alarms appear, the engineer’s limits stay, SPC can be switched off', async () => {
    const next = { ...config, alarms: { ...config.alarms, tags: [...config.alarms.tags, tagAlarmsSchema.parse({ tag: 'line1.filler.bowl_level', lo: { limit: 5 } })] } };
    await node.quality.reconfigure(next);
    const ids = (await api<{ alarms: { id: string }[] }>('/api/v1/alarms?state=configured')).body.alarms.map((a) => a.id);
    expect(ids).toContain('line1.filler.bowl_level.lo');
    const c = (await api<{ characteristics: { limits?: { center: number; source: string } }[] }>('/api/v1/spc/characteristics')).body.characteristics[0]!;
    expect(c.limits).toMatchObject({ center: 500, source: 'fixed' });
    await node.quality.reconfigure({ ...next, spc: { characteristics: [] } });
    const off = await api<{ error: { code: string } }>('/api/v1/spc/characteristics');
    expect(off.status).toBe(404);
    expect(off.body.error.code).toBe('SPC_NOT_RUNNING');
  }, 60_000);
});
