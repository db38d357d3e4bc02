import { DataChangeFilter, DataChangeTrigger, DeadbandType, type MonitoringParametersOptions } from 'node-opcua';
import type { TagDataType, TagRegistry } from '../../core/index.js';
import { OpcuaError } from './errors.js';
import type { OpcuaDevice, OpcuaTagBinding } from './opcua-device.js';

/** One configured tag as the source handles it. */
export interface MonitoredTag {
  /** Position in the device's tag list: the ledger slot. */
  slot: number;
  /** Index in the node's TagRegistry. */
  tag: number;
  id: string;
  nodeId: string;
  type: TagDataType;
  writable: boolean;
  /** Requested sampling interval, ms (0: on change). */
  samplingInterval: number;
}

/** Tags that share sampling interval, queue size and deadband: one CreateMonitoredItems call. */
export interface MonitoringGroup {
  parameters: MonitoringParametersOptions;
  slots: number[];
}

/** What the source subscribes to. */
export interface MonitoringPlan {
  tags: MonitoredTag[];
  groups: MonitoringGroup[];
}

/**
 * Resolves the device's bindings against the tag registry and groups them by
 * monitoring parameters (per-tag sampling interval, queue size, deadband, with
 * the device's defaults). Throws OPCUA_UNKNOWN_TAG for a tag the registry lacks.
 */
export function planMonitoring(device: OpcuaDevice, registry: TagRegistry): MonitoringPlan {
  const missing: string[] = [];
  const tags: MonitoredTag[] = [];
  device.tags.forEach((b, slot) => {
    const tag = registry.index(b.id);
    if (tag === undefined) missing.push(b.id);
    else tags.push({ slot, tag, id: b.id, nodeId: b.address, type: b.type, writable: b.writable, samplingInterval: b.samplingInterval ?? device.options.samplingInterval ?? device.interval });
  });
  if (missing.length > 0) {
    throw new OpcuaError('OPCUA_UNKNOWN_TAG', `device "${device.id}": tag(s) ${missing.join(', ')} are not defined in the tag registry`);
  }
  const groups = new Map<string, MonitoringGroup>();
  const defaultSampling = device.options.samplingInterval ?? device.interval;
  device.tags.forEach((b, slot) => {
    const parameters = monitoringParameters(b, defaultSampling, device.options.queueSize);
    const key = JSON.stringify([parameters.samplingInterval, parameters.queueSize, b.opcDeadband ?? null]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { parameters, slots: [] }));
    group.slots.push(slot);
  });
  return { tags, groups: [...groups.values()] };
}

function monitoringParameters(b: OpcuaTagBinding, defaultSampling: number, defaultQueue: number): MonitoringParametersOptions {
  const queueSize = b.queueSize ?? defaultQueue;
  const parameters: MonitoringParametersOptions = { samplingInterval: b.samplingInterval ?? defaultSampling, queueSize, discardOldest: true };
  if (b.opcDeadband && b.opcDeadband.value > 0) {
    parameters.filter = new DataChangeFilter({
      trigger: DataChangeTrigger.StatusValue,
      deadbandType: b.opcDeadband.type === 'percent' ? DeadbandType.Percent : DeadbandType.Absolute,
      deadbandValue: b.opcDeadband.value,
    });
  }
  return parameters;
}
