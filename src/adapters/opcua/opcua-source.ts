import { StatusCodes, type ClientMonitoredItemBase, type ClientSession, type DataValue, type OPCUACertificateManager } from 'node-opcua';
import { createEvent, Quality, type ComponentHealth, type FabrikEvent, type SampleBatch, type Severity, type Source, type TagRegistry, type TagWriter, type WriteResult } from '../../core/index.js';
import { BatchCollector, type BatchCollectorOptions } from './batch-collector.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { OpcuaError } from './errors.js';
import { FaultCounter, type OpcuaLogger } from './fault-counter.js';
import { planMonitoring, type MonitoredTag, type MonitoringPlan } from './monitoring-plan.js';
import type { OpcuaDevice } from './opcua-device.js';
import { listRejectedCertificates, openClientPki } from './pki.js';
import { statusToQuality } from './status-quality.js';
import { decodeValue } from './value-coding.js';
import { runSubscriptionSession } from './subscription-session.js';
import { writeTag } from './tag-write.js';
import { SourceHealth } from '../source-health.js';
import { InterruptibleWait } from '../interruptible-wait.js';

/** What an OPC UA source connects to and where it keeps its certificates. */
export interface OpcuaSourceOptions {
  /** A site-config device with protocol "opcua". */
  device: OpcuaDevice;
  /** The node's registry; every tag of the device must be defined in it. */
  tags: TagRegistry;
  /** Client PKI folder: own certificate (created on first start), trusted/ and rejected/ server certificates. */
  pkiDir: string;
  logger: OpcuaLogger;
  batching?: BatchCollectorOptions;
  now?: () => number;
  /** Receives connection lost/restored and certificate-rejected events (once per cause, not per retry). */
  onEvent?: (event: FabrikEvent) => void;
  /** Asset path of those events when the device's tags share none. Default the first segment of the tags' assets. */
  assetPath?: string;
}

/**
 * Creates a source subscribing to one OPC UA server. Throws OpcuaError
 * (OPCUA_WRONG_PROTOCOL, OPCUA_UNKNOWN_TAG) when the device does not fit;
 * connection trouble never throws: the source reconnects on its own and
 * records each outage as a bad-quality marker per tag.
 */
export function createOpcuaSource(options: OpcuaSourceOptions): OpcuaSource {
  if ((options.device as { protocol: string }).protocol !== 'opcua') {
    throw new OpcuaError('OPCUA_WRONG_PROTOCOL', `device "${options.device.id}" has protocol "${String((options.device as { protocol: string }).protocol)}", not "opcua"`);
  }
  return new OpcuaSource(options, planMonitoring(options.device, options.tags));
}

const UNTRUSTED = /BadCertificateUntrusted|Certificate verification failed|BadSecurityChecksFailed/i;

/** An OPC UA client session with one subscription; also writes tags the config marks writable. */
export class OpcuaSource implements Source, TagWriter {
  readonly name: string;
  readonly #device: OpcuaDevice;
  readonly #plan: MonitoringPlan;
  readonly #bySlot: (MonitoredTag | undefined)[];
  readonly #byTag = new Map<number, MonitoredTag>();
  readonly #pkiDir: string;
  readonly #logger: OpcuaLogger;
  readonly #now: () => number;
  readonly #collector: BatchCollector;
  readonly #ledger: DeliveryLedger;
  readonly #faults: FaultCounter;
  #live: { session: ClientSession; nodeIds: readonly string[] } | null = null;
  #cycle: Promise<void> | null = null;
  #closed = false;
  #wake: (() => void) | null = null;
  readonly #wait = new InterruptibleWait();
  readonly #health: SourceHealth;
  /** Source time of the previous notification per slot, to notice a server sampling faster than asked. */
  readonly #previous: Float64Array;
  readonly #onEvent: ((event: FabrikEvent) => void) | undefined;
  readonly #assetPath: string;
  #notifications = 0;
  #sessions = 0;
  #badItems = 0;

  constructor(options: OpcuaSourceOptions, plan: MonitoringPlan) {
    this.#device = options.device;
    this.name = `opcua:${options.device.id}`;
    this.#plan = plan;
    this.#bySlot = new Array<MonitoredTag | undefined>(options.device.tags.length);
    for (const t of plan.tags) {
      this.#bySlot[t.slot] = t;
      this.#byTag.set(t.tag, t);
    }
    this.#pkiDir = options.pkiDir;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#collector = new BatchCollector(options.batching);
    this.#ledger = new DeliveryLedger(options.device.tags.length);
    this.#faults = new FaultCounter(options.logger);
    this.#previous = new Float64Array(options.device.tags.length).fill(Number.NEGATIVE_INFINITY);
    this.#health = new SourceHealth(this.#now);
    this.#onEvent = options.onEvent;
    this.#assetPath = commonAsset(options.device.tags.map((t) => t.asset)) ?? options.assetPath ?? options.device.tags[0]?.asset.split('/')[0] ?? options.device.id;
  }

  async *batches(): AsyncIterable<SampleBatch> {
    this.#cycle ??= this.#run();
    for (;;) {
      const batch = await this.#collector.next();
      if (!batch) return;
      yield batch;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wait.close();
    this.#wake?.();
    await this.#cycle;
    this.#collector.close();
    this.#health.set('stopped');
  }

  health(): ComponentHealth {
    return {
      ...this.#health.current,
      details: {
        device: this.#device.id,
        endpoint: this.#device.options.endpoint,
        security: `${this.#device.options.securityMode}/${this.#device.options.securityPolicy}`,
        connected: this.#live !== null,
        tags: this.#plan.tags.length,
        badItems: this.#badItems,
        notifications: this.#notifications,
        sessions: this.#sessions,
        gaps: this.#ledger.gaps,
        duplicatesDropped: this.#ledger.duplicates,
        droppedBatches: this.#collector.droppedBatches,
        faults: this.#faults.snapshot(),
      },
    };
  }

  /** Writes a writable tag and reads it back. Throws OpcuaError (OPCUA_UNKNOWN_TAG, OPCUA_NOT_WRITABLE, OPCUA_NOT_CONNECTED, OPCUA_WRITE_FAILED). */
  async write(tagIndex: number, value: number | boolean | string): Promise<WriteResult> {
    const tag = this.#byTag.get(tagIndex);
    if (!tag) throw new OpcuaError('OPCUA_UNKNOWN_TAG', `tag #${tagIndex} is not bound to OPC UA device "${this.#device.id}"`);
    if (!tag.writable) throw new OpcuaError('OPCUA_NOT_WRITABLE', `tag "${tag.id}" is not writable; mark it "writable: true" in the site config to allow writes`);
    const live = this.#live;
    if (!live) throw new OpcuaError('OPCUA_NOT_CONNECTED', `device "${this.#device.id}" is not connected to ${this.#device.options.endpoint}; try again once it is up`);
    const back = await writeTag(live.session, { ...tag, nodeId: live.nodeIds[tag.slot] ?? tag.nodeId }, value);
    return { ...back, ts: back.ts || this.#now() };
  }

  /** Connects, subscribes and waits for loss, again and again, until closed. */
  async #run(): Promise<void> {
    const pki = await openClientPki(this.#pkiDir).catch((err: unknown) => {
      this.#health.set('down', `cannot open the OPC UA PKI folder ${this.#pkiDir}: ${(err as Error).message}`);
      return null;
    });
    if (!pki) {
      this.#collector.close();
      return;
    }
    let attempt = 0;
    let lastReason: string | null = null;
    try {
      while (!this.#closed) {
        let quality: number = Quality.BadNotConnected;
        let reason: string;
        let untrusted = false;
        try {
          reason = await this.#runSession(pki.manager, () => {
            attempt = 0;
            if (lastReason !== null) this.#emit('opcua.connection.restored', 'info', `OPC UA device ${this.#device.id} is connected to ${this.#device.options.endpoint} again`, {});
            lastReason = null;
          });
          quality = Quality.BadCommFailure;
        } catch (err) {
          untrusted = UNTRUSTED.test(err instanceof Error ? err.message : String(err));
          reason = describeFailure(err, this.#device.options.endpoint);
          if (untrusted) this.#faults.count('certificate:untrusted', reason);
        }
        if (this.#closed) break;
        this.#markGap(quality);
        const delay = Math.min(this.#device.options.maxReconnectDelay, 200 * 2 ** Math.min(attempt++, 10));
        this.#health.set('down', `${reason} (retrying in ${delay} ms)`);
        // Logged and reported when the cause changes, not on every retry of a long outage.
        if (reason !== lastReason) {
          this.#logger.warn({ device: this.#device.id, reason, delayMs: delay }, 'OPC UA connection lost or refused; reconnecting');
          if (untrusted) {
            const thumbprints = (await listRejectedCertificates(this.#pkiDir).catch(() => [])).map((c) => c.thumbprint).reverse();
            this.#emit('opcua.certificate.rejected', 'medium', reason, { thumbprints });
          } else if (lastReason === null) this.#emit('opcua.connection.lost', 'low', `OPC UA device ${this.#device.id}: ${reason}`, { reason });
        }
        lastReason = reason;
        await this.#wait.sleep(delay);
      }
    } finally {
      await pki.release().catch(() => {});
    }
  }

  /** One session: resolves with the reason it ended; throws when it could not be set up. */
  async #runSession(certificates: OPCUACertificateManager, onUp: () => void): Promise<string> {
    this.#badItems = 0;
    try {
      return await runSubscriptionSession(
        this.#device,
        this.#plan,
        certificates,
        {
          value: (slot, dv) => this.#onValue(slot, dv),
          items: (items, slots) => this.#checkItems(items, slots),
          unresolved: (slot) => this.#refuse(slot, 'BadNodeIdUnknown', StatusCodes.BadNodeIdUnknown.value, 'its nsu= namespace URI is not in the server\'s NamespaceArray'),
          up: (session, nodeIds) => {
            this.#live = { session, nodeIds };
            this.#sessions++;
            onUp();
            const bad = this.#badItems;
            this.#health.set(bad > 0 ? 'degraded' : 'up', bad > 0 ? `${bad} monitored item(s) refused by the server; see faults in details` : undefined);
            this.#logger.info({ device: this.#device.id, endpoint: this.#device.options.endpoint, items: this.#plan.tags.length }, 'OPC UA subscription running');
          },
        },
        (running) => {
          this.#wake = () => running.end('closed');
          if (this.#closed) running.end('closed');
        },
        this.#now,
      );
    } finally {
      this.#wake = null;
      this.#live = null;
      this.#collector.flush();
    }
  }

  #checkItems(items: ClientMonitoredItemBase[], slots: number[]): void {
    items.forEach((item, i) => {
      const status = item.statusCode;
      if (status && !status.isGood()) this.#refuse(slots[i]!, status.name, status.value, status.name);
    });
  }

  /** A tag the server will not monitor: counted, and one sample with the status's quality says why. */
  #refuse(slot: number, cause: string, status: number, why: string): void {
    const tag = this.#bySlot[slot];
    if (!tag) return;
    const now = this.#now();
    this.#badItems++;
    this.#faults.count(`item:${cause}`, `OPC UA server refused to monitor ${tag.nodeId} (tag ${tag.id}): ${why}`, { device: this.#device.id, tag: tag.id });
    const at = this.#ledger.admit(tag.slot, now, now);
    if (!Number.isNaN(at)) this.#collector.builder.push(tag.tag, at, Number.NaN, statusToQuality(status), now);
    this.#collector.pushed();
  }

  #onValue(slot: number, dv: DataValue): void {
    const tag = this.#bySlot[slot];
    if (!tag) return;
    const arrival = this.#now();
    this.#notifications++;
    const ts = dv.sourceTimestamp?.getTime() ?? dv.serverTimestamp?.getTime() ?? arrival;
    // Kept, but counted: a server sampling much faster than configured costs bandwidth and storage.
    if (ts - this.#previous[slot]! < tag.samplingInterval / 2) this.#faults.count(`rate:${tag.id}`, `OPC UA server sends ${tag.id} faster than its sampling interval of ${tag.samplingInterval} ms`, { device: this.#device.id });
    this.#previous[slot] = ts;
    const at = this.#ledger.admit(slot, ts, arrival);
    if (Number.isNaN(at)) return;
    let quality = statusToQuality(dv.statusCode.value);
    const decoded = decodeValue(tag.type, dv.value.value);
    const out = this.#collector.builder;
    if (decoded.kind === 'text') out.pushText(tag.tag, at, decoded.value, quality, arrival);
    else {
      let value = Number.NaN;
      if (decoded.kind === 'number') value = decoded.value;
      else {
        quality = Quality.BadConfigError;
        this.#faults.count(`type:${tag.id}`, `tag ${tag.id} (${tag.nodeId}) is declared ${tag.type} but the server sends ${decoded.got}`, { device: this.#device.id });
      }
      out.push(tag.tag, at, value, quality, arrival);
    }
    this.#collector.pushed();
  }

  /** One bad-quality marker per tag for an outage; a tag already in a gap gets none. */
  #markGap(quality: number): void {
    const now = this.#now();
    for (const tag of this.#plan.tags) {
      const at = this.#ledger.markGap(tag.slot, now);
      if (!Number.isNaN(at)) this.#collector.builder.push(tag.tag, at, Number.NaN, quality, now);
    }
    this.#collector.flush();
  }

  #emit(kind: string, severity: Severity, message: string, payload: Record<string, unknown>): void {
    this.#onEvent?.(createEvent({ kind, severity, assetPath: this.#assetPath, message, payload: { device: this.#device.id, endpoint: this.#device.options.endpoint, ...payload } }));
  }

}

/** The deepest asset path all `paths` sit under, or undefined when they share nothing. */
function commonAsset(paths: string[]): string | undefined {
  const [first, ...rest] = paths.map((p) => p.split('/'));
  if (!first) return undefined;
  let n = first.length;
  for (const p of rest) {
    let i = 0;
    while (i < n && i < p.length && p[i] === first[i]) i++;
    n = i;
  }
  return n > 0 ? first.slice(0, n).join('/') : undefined;
}

function describeFailure(err: unknown, endpoint: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (UNTRUSTED.test(message)) {
    return `the server certificate of ${endpoint} is not trusted; an engineer can approve it: GET /api/v1/opcua/certificates, then POST /api/v1/opcua/certificates/<thumbprint>/trust`;
  }
  return `cannot connect to ${endpoint}: ${message}`;
}
