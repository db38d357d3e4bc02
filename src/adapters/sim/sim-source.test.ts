import { describe, expect, it } from 'vitest';
import { Quality, TagRegistry, type SampleBatch, type Source } from '../../core/index.js';
import { parseSiteConfig, type DeviceConfig } from '../../config/index.js';
import { createPlant, demoSiteConfig } from '../../sim/index.js';
import { createSimSource, SimSourceConfigError } from './index.js';

function setup(interval?: string) {
  const cfg = parseSiteConfig(demoSiteConfig({ lines: 1 }));
  const tags = new TagRegistry();
  for (const d of cfg.devices) {
    for (const t of d.tags) {
      tags.define({ id: t.id, assetPath: t.asset, point: t.point ?? t.id, dataType: t.type, unit: t.unit, description: t.description, retentionClass: 'standard', source: d.id, writable: t.writable });
    }
  }
  const device = (id: string): DeviceConfig => {
    const d = cfg.devices.find((x) => x.id === id)!;
    return interval ? { ...d, interval: Number.parseInt(interval, 10) } : d;
  };
  return { cfg, tags, device };
}

/** Pulls n batches without ending the iteration (a `break` would stop the source). */
async function take(source: Source, n: number): Promise<{ batch: SampleBatch; at: number }[]> {
  const it = source.batches()[Symbol.asyncIterator]();
  const out: { batch: SampleBatch; at: number }[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push({ batch: r.value, at: Date.now() });
  }
  return out;
}

describe('sim source', () => {
  it('yields one sample per tag binding every interval, with registry indices and good quality', async () => {
    const { tags, device } = setup('50');
    const plant = createPlant({ startTime: Date.now() });
    const dev = device('line1');
    const source = createSimSource({ device: dev, tags, plant });
    expect(source.health().state).toBe('starting');
    const got = await take(source, 4);
    expect(got).toHaveLength(4);
    for (let i = 1; i < got.length; i++) expect(got[i]!.at - got[i - 1]!.at).toBeGreaterThanOrEqual(35);
    const b = got[3]!.batch;
    expect(b.length).toBe(dev.tags.length);
    expect([...b.tag]).toEqual(dev.tags.map((t) => tags.index(t.id)));
    expect([...b.quality].every((q) => q === Quality.Good)).toBe(true);
    expect(b.ts[0]).toBe(plant.time);
    expect(b.arrival[0]! - b.ts[0]!).toBeLessThan(plant.tickMs + 50);
    const bottles = dev.tags.findIndex((t) => t.id === 'line1.filler.bottles');
    expect(b.value[bottles]).toBe(plant.read('line1.filler.bottles'));
    expect(source.health()).toMatchObject({ state: 'up', details: { batches: 4, samples: 4 * dev.tags.length } });
    await source.close();
    expect(source.health().state).toBe('stopped');
  });

  it('stops when the consumer stops iterating', async () => {
    const { tags, device } = setup();
    const source = createSimSource({ device: device('utilities'), tags, plant: createPlant(), realtime: false });
    for await (const batch of source.batches()) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(source.health().state).toBe('stopped');
  });

  it('closes promptly while waiting for the next interval', async () => {
    const { tags, device } = setup('60000');
    const source = createSimSource({ device: device('utilities'), tags, plant: createPlant({ startTime: Date.now() }) });
    const it = source.batches()[Symbol.asyncIterator]();
    const next = it.next();
    const t0 = Date.now();
    setTimeout(() => void source.close(), 20);
    await expect(next).resolves.toEqual({ done: true, value: undefined });
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('reports a faulted sensor with the fault quality and turns degraded', async () => {
    const { tags, device } = setup();
    const plant = createPlant({ startTime: 0 });
    const source = createSimSource({ device: device('utilities'), tags, plant, realtime: false });
    plant.injectFault({ address: 'utilities.compressor1.pressure', kind: 'stuck', quality: Quality.BadSensorFailure });
    const { batch } = (await take(source, 1))[0]!;
    const i = [...batch.tag].indexOf(tags.index('utilities.compressor1.pressure')!);
    expect(batch.quality[i]).toBe(Quality.BadSensorFailure);
    expect(batch.quality.filter((q) => q === Quality.Good).length).toBe(batch.length - 1);
    expect(source.health().state).toBe('degraded');
    await source.close();
  });

  it('shares one plant between devices and reports each gauged part once', async () => {
    const { tags, device } = setup();
    const plant = createPlant({ startTime: 0 });
    const line = createSimSource({ device: device('line1'), tags, plant, realtime: false });
    const gauge = createSimSource({ device: device('cnc1-gauge'), tags, plant, realtime: false });
    const lineIt = line.batches()[Symbol.asyncIterator]();
    const gaugeIt = gauge.batches()[Symbol.asyncIterator]();
    for (let i = 0; i < 120; i++) await lineIt.next(); // 120 s of sim time at 1 s
    expect(plant.time).toBe(120_000);
    const parts = plant.read('cnc1.lathe.parts');
    expect(parts).toBeGreaterThanOrEqual(13);
    // The gauge (250 ms) catches up without rewinding the plant, then reports the newest part once.
    const first = await gaugeIt.next();
    expect(first.value!.length).toBe(1);
    const stamps: number[] = [first.value!.ts[0]!];
    for (let i = 0; i < 5; i++) {
      const r = await gaugeIt.next();
      stamps.push(r.value!.ts[0]!);
      expect(r.value!.value[0]).toBe(plant.read('cnc1.lathe.part_diameter'));
    }
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 1]!).toBeGreaterThan(7_000);
    expect(plant.read('cnc1.lathe.parts')).toBe(parts + 5);
    await Promise.all([line.close(), gauge.close()]);
  });

  it('rejects unknown addresses at creation, listing the valid ones', () => {
    const { tags, device } = setup();
    const dev = device('line1');
    const bad = { ...dev, tags: [{ ...dev.tags[0]!, address: 'line1.filler.temperatur' }] };
    let err: unknown;
    try {
      createSimSource({ device: bad, tags, plant: createPlant() });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SimSourceConfigError);
    expect(err).toMatchObject({ code: 'SIM_UNKNOWN_ADDRESS', device: 'line1', issues: [{ path: 'tags[0].address' }] });
    expect((err as SimSourceConfigError).validAddresses).toContain('line1.filler.product_temp');
    expect((err as Error).message).toContain('line1.filler.product_temp');
  });

  it('rejects tags missing from the registry and non-sim devices', () => {
    const { device } = setup();
    expect(() => createSimSource({ device: device('line1'), tags: new TagRegistry(), plant: createPlant() })).toThrow(expect.objectContaining({ code: 'SIM_UNKNOWN_TAG' }));
    const opc = { ...device('line1'), protocol: 'opcua' } as unknown as DeviceConfig;
    expect(() => createSimSource({ device: opc, tags: new TagRegistry(), plant: createPlant() })).toThrow(expect.objectContaining({ code: 'SIM_WRONG_PROTOCOL' }));
  });
});
