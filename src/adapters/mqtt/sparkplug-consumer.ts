import { Quality, type SampleBatchBuilder, type TagDataType } from '../../core/index.js';
import type { BadInputCause } from './bad-input.js';
import { encodeSparkplug, type SparkplugMetric, type SparkplugPayload } from './sparkplug-codec.js';
import { sparkplugTopic, type SparkplugTopic } from './sparkplug-topic.js';
import { coerceTagValue } from './tag-value.js';

/** Where a metric's values go: a tag index of the registry and its data type. */
export interface SparkplugBinding {
  tag: number;
  type: TagDataType;
}

export interface SparkplugConsumerOptions {
  groupId: string;
  /** `<edgeNode>/<device>/<metric>` or `<edgeNode>/<metric>` → bindings. */
  bindings: ReadonlyMap<string, readonly SparkplugBinding[]>;
  /** Minimum ms between two rebirth requests to one edge node. Default 5000. */
  rebirthHoldOffMs?: number;
  /** false when only some devices of a node are seen, so seq numbers cannot be checked. Default true. */
  checkSequence?: boolean;
  onIssue?: (cause: BadInputCause, detail: string) => void;
}

/** What the caller must publish: NCMD `Node Control/Rebirth` to this edge node. */
export interface RebirthRequest {
  groupId: string;
  edgeNodeId: string;
}

interface Metric {
  bindings: readonly SparkplugBinding[];
  last: (number | string)[];
}

interface Scope {
  born: boolean;
  byAlias: Map<number, Metric>;
  byName: Map<string, Metric>;
}

interface NodeState {
  born: boolean;
  seq: number;
  bdSeq: number | undefined;
  node: Scope;
  devices: Map<string, Scope>;
  rebirthAt: number;
}

const newScope = (): Scope => ({ born: false, byAlias: new Map(), byName: new Map() });

/** Sparkplug "Quality" property (Ignition convention) → OPC DA quality byte. */
function qualityOf(m: SparkplugMetric): number {
  if (m.value === null) return Quality.Bad;
  const q = m.quality;
  if (q === undefined) return Quality.Good;
  if (q === 500) return Quality.BadLastKnownValue;
  return q >= 0 && q <= 255 ? q : Quality.Bad;
}

/**
 * The host side of Sparkplug B as a pure state machine, one state per edge
 * node: BIRTHs define metrics and aliases, DATA updates them, DEATHs turn
 * them bad, and a seq gap or DATA before BIRTH asks for a rebirth. No I/O:
 * samples go to the builder and rebirth requests are returned.
 */
export class SparkplugConsumer {
  readonly #opts: SparkplugConsumerOptions;
  readonly #holdOff: number;
  readonly #nodes = new Map<string, NodeState>();

  constructor(options: SparkplugConsumerOptions) {
    this.#opts = options;
    this.#holdOff = options.rebirthHoldOffMs ?? 5000;
  }

  /** Applies one message; returns the rebirth request to publish, if any. */
  handle(topic: SparkplugTopic, payload: SparkplugPayload, arrival: number, out: SampleBatchBuilder): RebirthRequest | undefined {
    if (topic.groupId !== this.#opts.groupId || topic.type === 'NCMD' || topic.type === 'DCMD' || topic.type === 'STATE') return undefined;
    let node = this.#nodes.get(topic.edgeNodeId);
    if (!node) {
      node = { born: false, seq: -1, bdSeq: undefined, node: newScope(), devices: new Map(), rebirthAt: Number.NEGATIVE_INFINITY };
      this.#nodes.set(topic.edgeNodeId, node);
    }
    const ts = payload.timestamp ?? arrival;
    if (topic.type === 'NBIRTH') {
      node.born = true;
      node.seq = payload.seq ?? 0;
      node.bdSeq = bdSeqOf(payload);
      // A node birth invalidates every device of the node until its DBIRTH.
      for (const d of node.devices.values()) d.born = false;
      node.node = this.#birth(topic.edgeNodeId, undefined, payload, ts, arrival, out);
      return undefined;
    }
    if (topic.type === 'NDEATH') {
      const bdSeq = bdSeqOf(payload);
      if (node.born && bdSeq !== undefined && node.bdSeq !== undefined && bdSeq !== node.bdSeq) {
        this.#issue('stale-death', `NDEATH of ${topic.edgeNodeId} with bdSeq ${bdSeq}, current session has ${node.bdSeq}`);
        return undefined;
      }
      node.born = false;
      this.#death(node.node, ts, arrival, out);
      for (const d of node.devices.values()) {
        d.born = false;
        this.#death(d, ts, arrival, out);
      }
      return undefined;
    }
    if (!node.born) {
      this.#issue('data-before-birth', `${topic.type} from ${topic.edgeNodeId} before its NBIRTH`);
      return this.#rebirth(node, topic, arrival);
    }
    let rebirth: RebirthRequest | undefined;
    if (this.#opts.checkSequence !== false && payload.seq !== undefined) {
      const expected = (node.seq + 1) & 255;
      if (payload.seq !== expected) {
        this.#issue('sequence-gap', `${topic.type} from ${topic.edgeNodeId}: seq ${payload.seq}, expected ${expected}`);
        rebirth = this.#rebirth(node, topic, arrival);
      }
      node.seq = payload.seq;
    }
    const deviceId = topic.deviceId ?? '';
    switch (topic.type) {
      case 'NDATA':
        this.#data(node.node, topic, payload, ts, arrival, out);
        break;
      case 'DBIRTH':
        node.devices.set(deviceId, this.#birth(topic.edgeNodeId, deviceId, payload, ts, arrival, out));
        break;
      case 'DDATA': {
        const device = node.devices.get(deviceId);
        if (!device?.born) {
          this.#issue('data-before-birth', `DDATA from ${topic.edgeNodeId}/${deviceId} before its DBIRTH`);
          return this.#rebirth(node, topic, arrival) ?? rebirth;
        }
        this.#data(device, topic, payload, ts, arrival, out);
        break;
      }
      case 'DDEATH': {
        const device = node.devices.get(deviceId);
        if (device) {
          device.born = false;
          this.#death(device, ts, arrival, out);
        }
        break;
      }
      default:
        break;
    }
    return rebirth;
  }

  /** Edge nodes seen, and whether each is currently born (for health). */
  nodes(): Record<string, { born: boolean; devices: number }> {
    const out: Record<string, { born: boolean; devices: number }> = {};
    for (const [id, n] of this.#nodes) out[id] = { born: n.born, devices: [...n.devices.values()].filter((d) => d.born).length };
    return out;
  }

  #birth(edgeNodeId: string, deviceId: string | undefined, payload: SparkplugPayload, ts: number, arrival: number, out: SampleBatchBuilder): Scope {
    const scope = newScope();
    scope.born = true;
    const prefix = deviceId === undefined ? `${edgeNodeId}/` : `${edgeNodeId}/${deviceId}/`;
    for (const m of payload.metrics) {
      if (m.name === undefined) continue;
      const bindings = this.#opts.bindings.get(prefix + m.name) ?? [];
      const metric: Metric = { bindings, last: bindings.map(() => Number.NaN) };
      scope.byName.set(m.name, metric);
      if (m.alias !== undefined) scope.byAlias.set(m.alias, metric);
      this.#push(metric, m, m.timestamp ?? ts, arrival, out);
    }
    return scope;
  }

  #data(scope: Scope, topic: SparkplugTopic, payload: SparkplugPayload, ts: number, arrival: number, out: SampleBatchBuilder): void {
    for (const m of payload.metrics) {
      const metric = m.alias !== undefined ? scope.byAlias.get(m.alias) : m.name !== undefined ? scope.byName.get(m.name) : undefined;
      if (!metric) {
        this.#issue('unknown-metric', `${topic.type} from ${topic.edgeNodeId}${topic.deviceId ? `/${topic.deviceId}` : ''}: metric ${m.name ?? `alias ${m.alias}`} not in its BIRTH`);
        continue;
      }
      this.#push(metric, m, m.timestamp ?? ts, arrival, out);
    }
  }

  #push(metric: Metric, m: SparkplugMetric, ts: number, arrival: number, out: SampleBatchBuilder): void {
    const quality = qualityOf(m);
    metric.bindings.forEach((b, i) => {
      if (m.value === null) {
        out.push(b.tag, ts, Number.NaN, quality, arrival);
        return;
      }
      const v = coerceTagValue(m.value, b.type);
      if (!v) {
        this.#issue('wrong-type', `metric ${m.name ?? m.alias} (${m.type}) does not fit tag type ${b.type}`);
        return;
      }
      metric.last[i] = v.value;
      if (v.text) out.pushText(b.tag, ts, v.value, quality, arrival);
      else out.push(b.tag, ts, v.value, quality, arrival);
    });
  }

  /** The marker sample: last known value, quality BadNotConnected, at the time of death. */
  #death(scope: Scope, ts: number, arrival: number, out: SampleBatchBuilder): void {
    for (const metric of scope.byName.values()) {
      metric.bindings.forEach((b, i) => {
        const last = metric.last[i]!;
        if (typeof last === 'string') out.pushText(b.tag, ts, last, Quality.BadNotConnected, arrival);
        else out.push(b.tag, ts, last, Quality.BadNotConnected, arrival);
      });
    }
  }

  #rebirth(node: NodeState, topic: SparkplugTopic, now: number): RebirthRequest | undefined {
    if (now - node.rebirthAt < this.#holdOff) return undefined;
    node.rebirthAt = now;
    return { groupId: topic.groupId, edgeNodeId: topic.edgeNodeId };
  }

  #issue(cause: BadInputCause, detail: string): void {
    this.#opts.onIssue?.(cause, detail);
  }
}

function bdSeqOf(p: SparkplugPayload): number | undefined {
  const v = p.metrics.find((m) => m.name === 'bdSeq')?.value;
  return typeof v === 'number' ? v : undefined;
}

/** The NCMD that asks an edge node to publish its BIRTH certificates again. */
export function rebirthCommand(req: RebirthRequest, now: number = Date.now()): { topic: string; payload: Uint8Array } {
  return {
    topic: sparkplugTopic(req.groupId, 'NCMD', req.edgeNodeId),
    payload: encodeSparkplug({ timestamp: now, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true, timestamp: now }] }),
  };
}
