import { afterEach, describe, expect, it } from 'vitest';
import { createModbusSource } from '../src/adapters/modbus/index.js';
import { modbusDeviceSchema, type ModbusDeviceInput } from '../src/config/protocols/modbus.js';
import { Quality, sampleAt, TagRegistry, type Sample, type Source } from '../src/core/index.js';
import { ModbusRegisterBank } from '../src/sim/modbus-register-bank.js';
import { startModbusSimServer, type ModbusSimServer } from '../src/sim/modbus-sim-server.js';

const ASSET = 'acme/test/area/line/machine';

function deviceOf(input: Omit<ModbusDeviceInput, 'protocol'>) {
  const device = modbusDeviceSchema.parse({ ...input, protocol: 'modbus' });
  const tags = new TagRegistry();
  for (const t of device.tags) {
    tags.define({ id: t.id, assetPath: t.asset, point: t.id, dataType: t.type, unit: '', description: '', retentionClass: 'standard', source: device.id, writable: t.writable });
  }
  return { device, tags };
}

/** Pulls batches in the background and keeps every sample by tag id. */
function collect(source: Source, tags: TagRegistry) {
  const seen = new Map<string, Sample[]>();
  const done = (async () => {
    for await (const batch of source.batches()) {
      for (let i = 0; i < batch.length; i++) {
        const s = sampleAt(batch, i);
        const id = tags.get(s.tag)!.id;
        seen.set(id, [...(seen.get(id) ?? []), s]);
      }
    }
  })();
  const last = (id: string): Sample | undefined => seen.get(id)?.at(-1);
  return { seen, last, done };
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function server(units: Map<number, ModbusRegisterBank>, extra: Partial<Parameters<typeof startModbusSimServer>[0]> = {}): Promise<ModbusSimServer> {
  const s = await startModbusSimServer({ units, ...extra });
  open.push(s);
  return s;
}

describe('Modbus TCP source against the simulator server', () => {
  it('reads every type, word order, bit field, coil and discrete input', async () => {
    const bank = new ModbusRegisterBank();
    bank.set('holding', 0, -1234, 'int16');
    bank.set('holding', 1, 54321, 'uint16');
    bank.set('holding', 2, -123456789, 'int32');
    bank.set('holding', 4, 4000000000, 'uint32', 'CDAB');
    bank.set('holding', 6, 21.5, 'float32');
    bank.set('holding', 8, 21.5, 'float32', 'CDAB');
    bank.set('holding', 10, 21.5, 'float32', 'BADC');
    bank.set('holding', 12, 21.5, 'float32', 'DCBA');
    bank.set('input', 0, -1234.5678901234, 'float64', 'CDAB');
    bank.set('input', 4, 0b1010, 'uint16');
    bank.set('coil', 3, 1);
    bank.set('discrete', 7, 1);
    const units = new Map([[7, bank]]);
    const s = await server(units);
    const tag = (id: string, address: string) => ({ id, asset: ASSET, address });
    const { device, tags } = deviceOf({
      id: 'plc1',
      interval: '50ms',
      options: { host: s.host, port: s.port, unitId: 7, order: 'CDAB' },
      tags: [
        tag('t.i16', 'hr:0:int16:ABCD'),
        tag('t.u16', 'hr:1'),
        tag('t.i32', 'hr:2:int32:ABCD'),
        tag('t.u32', 'hr:4:uint32'),
        tag('t.abcd', 'hr:6:float32:ABCD'),
        tag('t.cdab', 'hr:8:float32'),
        tag('t.badc', 'hr:10:float32:BADC'),
        tag('t.dcba', 'hr:12:float32:DCBA'),
        tag('t.f64', 'ir:0:float64'),
        { ...tag('t.bit1', 'ir:4.1'), type: 'boolean' as const },
        { ...tag('t.bit2', 'ir:4.2'), type: 'boolean' as const },
        { ...tag('t.coil', 'co:3'), type: 'boolean' as const },
        { ...tag('t.di', 'di:7'), type: 'boolean' as const },
      ],
    });
    const source = createModbusSource({ device, tags });
    open.push(source);
    const c = collect(source, tags);
    await until('all tags', () => c.seen.size === 13);
    const v = (id: string) => c.last(id)!.value;
    expect([v('t.i16'), v('t.u16'), v('t.i32'), v('t.u32')]).toEqual([-1234, 54321, -123456789, 4000000000]);
    expect([v('t.abcd'), v('t.cdab'), v('t.badc'), v('t.dcba')]).toEqual([21.5, 21.5, 21.5, 21.5]);
    expect(v('t.f64')).toBe(-1234.5678901234);
    expect([v('t.bit1'), v('t.bit2'), v('t.coil'), v('t.di')]).toEqual([1, 0, 1, 1]);
    for (const samples of c.seen.values()) expect(samples.at(-1)!.quality).toBe(Quality.Good);
    // Contiguous holding registers 0..13 are one read, input 0..4 another, plus one coil and one discrete read.
    expect(source.health().details?.['readsPerCycle']).toBe(4);
    await source.close();
    await c.done;
  });

  it('turns exceptions into quality and splits refused merged reads', async () => {
    const bank = new ModbusRegisterBank();
    bank.set('holding', 0, 10);
    bank.set('holding', 2, 30); // hole at 1: a merged read 0..2 is refused with exception 2
    let busy = false;
    const s = await server(new Map([[1, bank]]), {
      beforeRequest: () => {
        if (busy) throw Object.assign(new Error('failure'), { modbusErrorCode: 4 });
      },
    });
    const { device, tags } = deviceOf({
      id: 'plc2',
      interval: '50ms',
      options: { host: s.host, port: s.port, maxGap: 4, retries: 0 },
      tags: [
        { id: 'a', asset: ASSET, address: 'hr:0' },
        { id: 'hole', asset: ASSET, address: 'hr:1' },
        { id: 'c', asset: ASSET, address: 'hr:2' },
      ],
    });
    const source = createModbusSource({ device, tags });
    open.push(source);
    const c = collect(source, tags);
    await until('split reads', () => c.last('a')?.quality === Quality.Good && c.last('c')?.quality === Quality.Good && c.last('hole'));
    expect(c.last('a')!.value).toBe(10);
    expect(c.last('c')!.value).toBe(30);
    expect(c.last('hole')!.quality).toBe(Quality.BadConfigError);
    expect(source.health().details?.['readsPerCycle']).toBe(3);
    busy = true;
    await until('device failure quality', () => c.last('a')?.quality === Quality.BadDeviceFailure);
    expect(c.last('a')!.value).toBe(10); // last known value kept
    expect(source.health().state).toBe('degraded');
    busy = false;
    await until('recovery', () => c.last('a')?.quality === Quality.Good);
    const faults = source.health().details?.['faults'] as Record<string, number>;
    expect(faults['exception-2']).toBeGreaterThan(0);
    expect(faults['exception-4']).toBeGreaterThan(0);
    await source.close();
    await c.done;
  });

  it('answers a device that stops responding with BadCommFailure after the retries', async () => {
    const bank = new ModbusRegisterBank();
    bank.set('holding', 0, 7);
    let stall = false;
    const s = await server(new Map([[1, bank]]), { beforeRequest: () => (stall ? 2000 : 0) });
    const { device, tags } = deviceOf({ id: 'plc6', interval: '50ms', options: { host: s.host, port: s.port, timeout: '200ms', retries: 1, reconnectDelay: '50ms' }, tags: [{ id: 'x', asset: ASSET, address: 'hr:0' }] });
    const source = createModbusSource({ device, tags });
    open.push(source);
    const c = collect(source, tags);
    await until('value', () => c.last('x')?.quality === Quality.Good);
    stall = true;
    await until('comm failure', () => c.last('x')?.quality === Quality.BadCommFailure);
    expect(c.last('x')!.value).toBe(7);
    expect((source.health().details?.['faults'] as Record<string, number>)['timeout']).toBeGreaterThanOrEqual(2);
    stall = false;
    await until('recovered', () => c.last('x')?.quality === Quality.Good);
    await source.close();
    await c.done;
  });

  it('marks BadNotConnected when the server goes away and resumes after it restarts on the same port', async () => {
    const bank = new ModbusRegisterBank();
    bank.set('input', 10, 42.25, 'float32');
    bank.set('holding', 0, 9);
    let s = await startModbusSimServer({ units: new Map([[1, bank]]) });
    const port = s.port;
    const { device, tags } = deviceOf({
      id: 'plc3',
      interval: '50ms',
      options: { host: s.host, port, timeout: '300ms', reconnectDelay: '50ms', maxReconnectDelay: '200ms' },
      tags: [
        { id: 'p', asset: ASSET, address: 'ir:10:float32' },
        { id: 'slow', asset: ASSET, address: 'hr:0', interval: '10s' },
      ],
    });
    const source = createModbusSource({ device, tags });
    open.push(source);
    const c = collect(source, tags);
    await until('first values', () => c.last('p')?.quality === Quality.Good && c.last('slow')?.quality === Quality.Good);
    await s.close();
    await until('not-connected marker', () => c.last('p')!.quality < Quality.Uncertain);
    expect(c.last('p')!.value).toBe(42.25);
    // Every tag of the device is marked, also those whose poll was not due.
    expect(c.last('slow')).toMatchObject({ value: 9, quality: Quality.BadNotConnected });
    expect(source.health().state).toBe('down');
    const markers = () => c.seen.get('p')!.filter((x) => x.quality === Quality.BadNotConnected).length;
    await new Promise((r) => setTimeout(r, 500));
    expect(markers()).toBe(1); // one marker per outage, not one per retry
    bank.set('input', 10, 43.5, 'float32');
    s = await startModbusSimServer({ units: new Map([[1, bank]]), port });
    open.push(s);
    await until('value after restart', () => c.last('p')?.value === 43.5 && c.last('p')?.quality === Quality.Good);
    expect(source.health().details?.['reconnects']).toBeGreaterThanOrEqual(1);
    await source.close();
    await c.done;
  });

  it('polls each tag at its own rate and a slow device does not delay a fast one', async () => {
    const fastBank = new ModbusRegisterBank();
    const slowBank = new ModbusRegisterBank();
    fastBank.set('holding', 0, 1);
    fastBank.set('holding', 100, 2);
    slowBank.set('holding', 0, 3);
    const s = await server(new Map([[1, fastBank], [2, slowBank]]), { beforeRequest: (unit) => (unit === 2 ? 1500 : 0) });
    const fast = deviceOf({
      id: 'fast',
      interval: '1s',
      options: { host: s.host, port: s.port, unitId: 1 },
      tags: [
        { id: 'quick', asset: ASSET, address: 'hr:0', interval: '50ms' },
        { id: 'lazy', asset: ASSET, address: 'hr:100' },
      ],
    });
    const slow = deviceOf({ id: 'slow', interval: '50ms', options: { host: s.host, port: s.port, unitId: 2, timeout: '5s' }, tags: [{ id: 'sluggish', asset: ASSET, address: 'hr:0' }] });
    const a = createModbusSource(fast);
    const b = createModbusSource(slow);
    open.push(a, b);
    const ca = collect(a, fast.tags);
    const cb = collect(b, slow.tags);
    const started = Date.now();
    await until('20 fast polls', () => (ca.seen.get('quick')?.length ?? 0) >= 20);
    const elapsed = Date.now() - started;
    // 20 polls of the fast tag while the slow device answered at most a few times.
    expect(cb.seen.get('sluggish')?.length ?? 0).toBeLessThan(20);
    // The 1 s tag is polled far less often than the 50 ms one.
    expect(ca.seen.get('lazy')!.length).toBeLessThan(ca.seen.get('quick')!.length / 3);
    expect(elapsed).toBeGreaterThan(0);
    await a.close();
    await b.close();
    await Promise.all([ca.done, cb.done]);
  });

  it('writes holding registers, bit fields and coils with read-back, and refuses what the config does not allow', async () => {
    const bank = new ModbusRegisterBank();
    bank.set('holding', 0, 0, 'float32');
    bank.set('holding', 2, 0);
    bank.set('holding', 3, 0b1000);
    bank.set('coil', 0, 0);
    bank.set('input', 0, 5);
    const s = await server(new Map([[1, bank]]));
    const { device, tags } = deviceOf({
      id: 'plc5',
      interval: '50ms',
      options: { host: s.host, port: s.port },
      tags: [
        { id: 'sp', asset: ASSET, address: 'hr:0:float32', writable: true },
        { id: 'scaled', asset: ASSET, address: 'hr:2:int16', writable: true, scale: { factor: 0.1, offset: 0 } },
        { id: 'flag', asset: ASSET, address: 'hr:3.1', type: 'boolean', writable: true },
        { id: 'pump', asset: ASSET, address: 'co:0', type: 'boolean', writable: true },
        { id: 'ro', asset: ASSET, address: 'ir:0' },
      ],
    });
    const source = createModbusSource({ device, tags });
    open.push(source);
    const c = collect(source, tags);
    await until('connected', () => c.last('sp'));
    const idx = (id: string) => tags.index(id)!;
    expect(await source.write(idx('sp'), 72.5)).toMatchObject({ value: 72.5, quality: Quality.Good });
    expect(await source.write(idx('scaled'), 12.3)).toMatchObject({ value: 12.3 });
    expect(bank.readWords('holding', 2, 1)).toEqual([123]);
    expect(await source.write(idx('flag'), true)).toMatchObject({ value: true });
    expect(bank.readWords('holding', 3, 1)).toEqual([0b1010]); // other bits untouched
    expect(await source.write(idx('pump'), true)).toMatchObject({ value: true });
    expect(bank.readBit('coil', 0)).toBe(true);
    await expect(source.write(idx('ro'), 1)).rejects.toMatchObject({ code: 'MODBUS_NOT_WRITABLE' });
    await expect(source.write(idx('scaled'), 99999)).rejects.toMatchObject({ code: 'MODBUS_VALUE_NOT_REPRESENTABLE' });
    await until('polled value', () => c.last('sp')?.value === 72.5);
    await source.close();
    await c.done;
  });
});
