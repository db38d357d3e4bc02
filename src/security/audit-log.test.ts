import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bus, createEvent } from '../core/index.js';
import { AuditLog, verifyAuditFiles } from './audit-log.js';
import { recordAuditedEvents } from './audit-recorder.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fabrik-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logWith(n: number): Promise<AuditLog> {
  const log = await AuditLog.open(dir);
  for (let i = 1; i <= n; i++) await log.append({ actor: `user${i}`, action: 'http.post', target: `/api/v1/x/${i}`, details: { i } });
  return log;
}

async function lines(log: AuditLog): Promise<string[]> {
  return (await readFile(log.paths.log, 'utf8')).trimEnd().split('\n');
}

describe('AuditLog', () => {
  it('chains entries and verifies a clean log', async () => {
    const log = await logWith(5);
    const [a, b] = (await lines(log)).map((l) => JSON.parse(l) as { seq: number; hash: string; prev: string });
    expect(a).toMatchObject({ seq: 1, prev: '0'.repeat(64) });
    expect(b!.prev).toBe(a!.hash);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 5, lastSeq: 5, problems: [] });
    expect((await stat(log.paths.log)).mode & 0o777).toBe(0o600);
    expect((await log.list({ actor: 'user2' }))[0]).toMatchObject({ seq: 2, target: '/api/v1/x/2' });
    await log.close();
  });

  it('detects an edited entry', async () => {
    const log = await logWith(5);
    await log.close();
    const all = await lines(log);
    all[2] = all[2]!.replace('user3', 'user9');
    await writeFile(log.paths.log, `${all.join('\n')}\n`);
    const v = await verifyAuditFiles(log.paths);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([expect.objectContaining({ seq: 3, problem: expect.stringContaining('edited') })]);
  });

  it('detects an edit whose hash was recomputed, at the next entry', async () => {
    const log = await logWith(4);
    await log.close();
    const { entryHash } = await import('./audit-chain.js');
    const all = (await lines(log)).map((l) => JSON.parse(l) as Record<string, unknown>);
    const { hash: _h, ...rest } = { ...all[1]!, actor: 'someone-else' } as Record<string, unknown>;
    all[1] = { ...rest, hash: entryHash(rest as never) };
    await writeFile(log.paths.log, `${all.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const v = await verifyAuditFiles(log.paths);
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatchObject({ seq: 3, problem: expect.stringContaining('prev does not match') });
  });

  it('detects a deleted entry in the middle', async () => {
    const log = await logWith(5);
    await log.close();
    const all = await lines(log);
    all.splice(1, 1);
    await writeFile(log.paths.log, `${all.join('\n')}\n`);
    const v = await verifyAuditFiles(log.paths);
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.problem).join(' ')).toMatch(/deleted/);
  });

  it('detects entries cut off the end through the signed head, and a forged head', async () => {
    const log = await logWith(5);
    await log.close();
    const all = await lines(log);
    await writeFile(log.paths.log, `${all.slice(0, 3).join('\n')}\n`);
    const cut = await verifyAuditFiles(log.paths);
    expect(cut.ok).toBe(false);
    expect(cut.problems[0]?.problem).toMatch(/names entry 5, but the log ends at 3/);

    const head = JSON.parse(await readFile(log.paths.head, 'utf8')) as { seq: number; hash: string };
    const third = JSON.parse(all[2]!) as { hash: string };
    await writeFile(log.paths.head, JSON.stringify({ ...head, seq: 3, hash: third.hash }));
    const forged = await verifyAuditFiles(log.paths);
    expect(forged.problems.map((p) => p.problem).join(' ')).toMatch(/signature does not verify/);

    await unlink(log.paths.head);
    expect((await verifyAuditFiles(log.paths)).problems[0]?.problem).toMatch(/head anchor .* is missing/);
  });

  it('recovers from a torn last line and records that it did', async () => {
    const log = await logWith(2);
    await log.close();
    await writeFile(log.paths.log, `${(await readFile(log.paths.log, 'utf8'))}{"seq":3,"ts":`);
    const reopened = await AuditLog.open(dir);
    const [last] = await reopened.list({ limit: 1 });
    expect(last).toMatchObject({ seq: 3, action: 'audit.recovered', actor: 'system' });
    expect((await reopened.verify()).ok).toBe(true);
    await reopened.close();
  });

  it('records audited bus events with their actor, and ignores the rest', async () => {
    const log = await AuditLog.open(dir);
    const bus = new Bus();
    const off = recordAuditedEvents(bus, log, () => {});
    bus.publish('events', createEvent({ kind: 'alarm.acknowledged', assetPath: 'acme/p1', severity: 'info', message: 'acked', tag: 'line1.temp', payload: { actor: 'tok123', comment: 'seen' } }));
    bus.publish('events', createEvent({ kind: 'spc.violation', assetPath: 'acme/p1', severity: 'high', message: 'rule 1' }));
    await new Promise((r) => setTimeout(r, 50));
    const entries = await log.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'tok123', action: 'alarm.acknowledged', target: 'line1.temp', details: { comment: 'seen' } });
    off();
    await log.close();
  });
});
