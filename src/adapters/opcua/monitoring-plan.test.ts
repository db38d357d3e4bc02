import { DataChangeFilter, DeadbandType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../config/index.js';
import { TagRegistry } from '../../core/index.js';
import { defineConfiguredTags } from '../../node/tag-definitions.js';
import type { OpcuaDevice } from './opcua-device.js';
import { planMonitoring } from './monitoring-plan.js';

function device(tags: object[]): { device: OpcuaDevice; registry: TagRegistry } {
  const config = parseSiteConfig({
    site: { id: 's', name: 's', enterprise: 'acme' },
    devices: [{ id: 'plc', protocol: 'opcua', interval: '2s', options: { endpoint: 'opc.tcp://plc:4840', queueSize: 5 }, tags: tags.map((t, i) => ({ id: `t${i}`, asset: 'acme/s/m', address: `ns=2;i=${i + 1}`, ...t })) }],
  });
  const registry = new TagRegistry();
  defineConfiguredTags(config, registry);
  return { device: config.devices[0] as OpcuaDevice, registry };
}

describe('planMonitoring', () => {
  it('groups tags by sampling interval, queue size and deadband, with the device defaults', () => {
    const { device: d, registry } = device([{}, { samplingInterval: '100ms' }, {}, { opcDeadband: { type: 'percent', value: 2 } }, { queueSize: 50, samplingInterval: '100ms' }]);
    const plan = planMonitoring(d, registry);
    expect(plan.groups.map((g) => g.slots)).toEqual([[0, 2], [1], [3], [4]]);
    expect(plan.groups[0]!.parameters).toMatchObject({ samplingInterval: 2000, queueSize: 5 });
    expect(plan.groups[3]!.parameters).toMatchObject({ samplingInterval: 100, queueSize: 50 });
    const filter = plan.groups[2]!.parameters.filter as DataChangeFilter;
    expect(filter.deadbandType).toBe(DeadbandType.Percent);
    expect(filter.deadbandValue).toBe(2);
    expect(plan.tags[1]).toMatchObject({ id: 't1', nodeId: 'ns=2;i=2', samplingInterval: 100 });
  });

  it('refuses tags the registry does not know', () => {
    const { device: d } = device([{}]);
    expect(() => planMonitoring(d, new TagRegistry())).toThrow(/t0/);
  });
});
