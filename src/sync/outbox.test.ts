import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from './outbox-frame.js';
import { Outbox, type OutboxOptions } from './outbox.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function openOutbox(opts: Partial<OutboxOptions> = {}): Promise<Outbox> {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-outbox-'));
  dirs.push(dir);
  return Outbox.open({ dir, maxBytes: 1e9, segmentBytes: 2048, ...opts });
}

const pad = (n: number) => Array.from({ length: n }, (_, i) => ({ i, text: 'y'.repeat(50) }));

describe('Outbox', () => {
  it('numbers items per stream, reads them back after a reopen and deletes them only after the acknowledgement', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabrik-outbox-'));
    dirs.push(dir);
    let box = await Outbox.open({ dir, maxBytes: 1e9, segmentBytes: 1024 });
    expect(await box.append('event', [{ a: 1 }, { a: 2 }])).toEqual({ firstSeq: 1, lastSeq: 2 });
    expect(await box.append('rollup', pad(40))).toEqual({ firstSeq: 1, lastSeq: 40 });
    expect(await box.append('event', [{ a: 3 }])).toEqual({ firstSeq: 3, lastSeq: 3 });
    const epoch = box.epoch;
    await box.close();
    box = await Outbox.open({ dir, maxBytes: 1e9, segmentBytes: 1024 });
    expect(box.epoch).toBe(epoch);
    expect((await box.read('event', 0, 10)).map((i) => i.data)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect((await box.read('rollup', 35, 100)).map((i) => i.seq)).toEqual([36, 37, 38, 39, 40]);
    const segments = readdirSync(dir).filter((n) => n.endsWith('.seg')).length;
    await box.ack('rollup', 40);
    expect(readdirSync(dir).filter((n) => n.endsWith('.seg')).length).toBeLessThan(segments);
    expect(box.stats().streams.rollup.items).toBe(0);
    expect(await box.append('rollup', [{ x: 1 }])).toEqual({ firstSeq: 41, lastSeq: 41 });
    await box.close();
    box = await Outbox.open({ dir, maxBytes: 1e9 });
    expect(box.doneThrough('rollup')).toBe(40);
    expect((await box.read('rollup', 40, 10)).map((i) => i.seq)).toEqual([41]);
    await box.close();
  });

  it('under the disk cap drops the oldest raw first, then rollups, counts the drops and never drops an event', async () => {
    const box = await openOutbox({ maxBytes: 8000, segmentBytes: 1000 });
    for (let i = 0; i < 10; i++) await box.append('event', pad(5));
    for (let i = 0; i < 10; i++) await box.append('rollup', pad(5));
    for (let i = 0; i < 10; i++) await box.append('raw', pad(5));
    const s = box.stats();
    expect(s.bytes).toBeLessThanOrEqual(8000);
    expect(s.streams.event.drops).toEqual({ cap: 0, ttl: 0 });
    expect(s.streams.event.items).toBe(50);
    expect(s.streams.raw.drops.cap + s.streams.rollup.drops.cap).toBeGreaterThan(0);
    // Raw never pushed out a rollup: rollups were dropped only to make room for rollups.
    expect(s.streams.raw.drops.cap).toBeGreaterThan(0);
    // Events keep coming beyond the cap: what has to give is everything else.
    for (let i = 0; i < 30; i++) await box.append('event', pad(5));
    const after = box.stats();
    expect(after.streams.event.items).toBe(200);
    expect(after.streams.event.drops.cap).toBe(0);
    expect(after.streams.rollup.items + after.streams.raw.items).toBe(0);
    // A dropped run is announced to the hub, so it does not wait for it.
    expect(box.droppedThrough('rollup')).toBe(50);
    expect(await box.append('raw', pad(5))).toBeNull();
    expect(box.stats().streams.raw.drops.cap).toBeGreaterThanOrEqual(55);
    await box.close();
  });

  it('drops events under the cap only when configured', async () => {
    const box = await openOutbox({ maxBytes: 6000, segmentBytes: 1500, dropEvents: true });
    for (let i = 0; i < 20; i++) await box.append('event', pad(5));
    const s = box.stats();
    expect(s.bytes).toBeLessThanOrEqual(6000);
    expect(s.streams.event.drops.cap).toBeGreaterThan(0);
    expect(s.streams.event.items + s.streams.event.drops.cap).toBe(100);
    await box.close();
  });

  it('drops items past their TTL, counted, but keeps events', async () => {
    let now = 1_000_000;
    const box = await openOutbox({ ttlMs: { rollup: 60_000, event: 60_000 }, now: () => now });
    await box.append('rollup', pad(30));
    await box.append('event', pad(3));
    now += 30_000;
    expect(await box.expire()).toBe(0);
    await box.append('rollup', pad(2));
    now += 45_000;
    // The first segments are older than a minute; the newest is not.
    const dropped = await box.expire();
    expect(dropped).toBeGreaterThan(0);
    const s = box.stats().streams;
    expect(s.rollup.drops.ttl).toBe(dropped);
    expect(s.rollup.items).toBe(32 - dropped);
    expect(s.event.items).toBe(3);
    now += 120_000;
    await box.expire();
    expect(box.stats().streams.rollup.items).toBe(0);
    expect(box.stats().streams.rollup.drops.ttl).toBe(32);
    await box.close();
  });

  it('cuts a torn tail (half a frame, a frame with a bad checksum) and carries on behind the last good frame', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabrik-outbox-'));
    dirs.push(dir);
    const box = await Outbox.open({ dir, maxBytes: 1e9 });
    await box.append('event', [{ a: 1 }, { a: 2 }]);
    await box.append('event', [{ a: 3 }]);
    await box.close();
    const seg = join(dir, readdirSync(dir).find((n) => n.startsWith('event-'))!);
    const good = statSync(seg).size;
    const frame = encodeFrame({ seq: 4, at: 0, items: [{ a: 4 }] });
    frame.writeUInt8(frame.readUInt8(frame.length - 2) ^ 0xff, frame.length - 2);
    appendFileSync(seg, Buffer.concat([frame, encodeFrame({ seq: 5, at: 0, items: [{ a: 5 }] }).subarray(0, 7)]));
    const again = await Outbox.open({ dir, maxBytes: 1e9 });
    expect(statSync(seg).size).toBe(good);
    expect((await again.read('event', 0, 10)).map((i) => i.data)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(await again.append('event', [{ a: 4 }])).toEqual({ firstSeq: 4, lastSeq: 4 });
    await again.close();
  });

  it('reads what was appended to a segment since the last read', async () => {
    const box = await openOutbox({ segmentBytes: 1e6 });
    await box.append('event', [{ a: 1 }]);
    expect((await box.read('event', 0, 10)).map((i) => i.seq)).toEqual([1]);
    await box.append('event', [{ a: 2 }, { a: 3 }]);
    expect((await box.read('event', 0, 10)).map((i) => i.data)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect((await box.read('event', 2, 10)).map((i) => i.seq)).toEqual([3]);
    await box.close();
  });

  it('keeps the producer mark without items', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabrik-outbox-'));
    dirs.push(dir);
    const box = await Outbox.open({ dir, maxBytes: 1e9 });
    await box.append('rollup', [{ a: 1 }], { through: 5 });
    await box.setMark('rollup', { through: 9 });
    await box.close();
    const again = await Outbox.open({ dir, maxBytes: 1e9 });
    expect(again.mark('rollup')).toEqual({ through: 9 });
    await again.close();
  });
});
