import {
  AttributeIds,
  OPCUAClient,
  TimestampsToReturn,
  type ClientMonitoredItemBase,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
  type OPCUACertificateManager,
} from 'node-opcua';
import { Quality, type ComponentHealth, type SampleBatch, type Source, type TagRegistry, type TagWriter, type WriteResult } from '../../core/index.js';
import { BatchCollector, type BatchCollectorOptions } from './batch-collector.js';
import { resolveIdentity } from './client-identity.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { endpointSecurity } from './endpoint-security.js';
import { OpcuaError } from './errors.js';
import { FaultCounter, type OpcuaLogger } from './fault-counter.js';
import { planMonitoring, type MonitoredTag, type MonitoringPlan } from './monitoring-plan.js';
import type { OpcuaDevice } from './opcua-device.js';
import { openClientPki } from './pki.js';
import { statusToQuality } from './status-quality.js';
import { decodeValue } from './value-coding.js';
import { writeTag } from './tag-write.js';

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

interface Connection {
  client: OPCUAClient;
  session: ClientSession;
  subscription: ClientSubscription;
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
  #conn: Connection | null = null;
  #cycle: Promise<void> | null = null;
  #closed = false;
  #wake: (() => void) | null = null;
  #health: ComponentHealth;
  /** Source time of the previous notification per slot, to notice a server sampling faster than asked. */
  readonly #previous: Float64Array;
  #notifications = 0;
  #sessions = 0;
  #badItems = 0;
  #lastHeard = 0;

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
    this.#health = { state: 'starting', since: this.#now() };
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
    this.#wake?.();
    await this.#cycle;
    this.#collector.close();
    this.#setHealth('stopped');
  }

  health(): ComponentHealth {
    return {
      ...this.#health,
      details: {
        device: this.#device.id,
        endpoint: this.#device.options.endpoint,
        security: `${this.#device.options.securityMode}/${this.#device.options.securityPolicy}`,
        connected: this.#conn !== null,
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
    const conn = this.#conn;
    if (!conn) throw new OpcuaError('OPCUA_NOT_CONNECTED', `device "${this.#device.id}" is not connected to ${this.#device.options.endpoint}; try again once it is up`);
    const back = await writeTag(conn.session, tag, value);
    return { ...back, ts: back.ts || this.#now() };
  }

  /** Connects, subscribes and waits for loss, again and again, until closed. */
  async #run(): Promise<void> {
    const pki = await openClientPki(this.#pkiDir).catch((err: unknown) => {
      this.#setHealth('down', `cannot open the OPC UA PKI folder ${this.#pkiDir}: ${(err as Error).message}`);
      return null;
    });
    if (!pki) {
      this.#collector.close();
      return;
    }
    let attempt = 0;
    try {
      while (!this.#closed) {
        let quality: number = Quality.BadNotConnected;
        let reason: string;
        try {
          reason = await this.#session(pki.manager, () => {
            attempt = 0;
          });
          quality = Quality.BadCommFailure;
        } catch (err) {
          reason = describeFailure(err, this.#device.options.endpoint);
          if (UNTRUSTED.test(reason)) this.#faults.count('certificate:untrusted', reason);
        }
        if (this.#closed) break;
        this.#markGap(quality);
        const delay = Math.min(this.#device.options.maxReconnectDelay, 200 * 2 ** Math.min(attempt++, 10));
        this.#setHealth('down', `${reason} (retrying in ${delay} ms)`);
        this.#logger.warn({ device: this.#device.id, reason, delayMs: delay }, 'OPC UA connection lost or refused; reconnecting');
        await this.#sleep(delay);
      }
    } finally {
      await pki.release().catch(() => {});
    }
  }

  /** One session: resolves with the reason it ended; throws when it could not be set up. */
  async #session(certificates: OPCUACertificateManager, onUp: () => void): Promise<string> {
    const o = this.#device.options;
    const client = OPCUAClient.create({
      applicationName: o.applicationName,
      endpointMustExist: false,
      ...endpointSecurity(o),
      clientCertificateManager: certificates,
      // Reconnection is ours: a lost connection ends this session and is recorded as a gap.
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
      requestedSessionTimeout: Math.max(60_000, o.keepAliveInterval * 6),
      transportTimeout: o.requestTimeout,
      defaultTransactionTimeout: o.requestTimeout,
    });
    let ended: (reason: string) => void = () => {};
    const lost = new Promise<string>((resolve) => {
      ended = resolve;
    });
    client.on('connection_lost', () => ended('connection lost'));
    client.on('close', (err?: Error | null) => ended(err ? `connection closed: ${err.message}` : 'connection closed'));
    const stopWaking = (): void => ended('closed');
    try {
      await client.connect(o.endpoint);
      const session = await client.createSession(await resolveIdentity(o.identity));
      session.on('session_closed', () => ended('session closed by the server'));
      session.on('keepalive_failure', () => ended('session keep-alive failed'));
      const keepAliveCount = Math.max(2, Math.ceil(o.keepAliveInterval / o.publishingInterval));
      const subscription = await session.createSubscription2({
        requestedPublishingInterval: o.publishingInterval,
        requestedMaxKeepAliveCount: keepAliveCount,
        requestedLifetimeCount: keepAliveCount * 6,
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 10,
      });
      subscription.on('terminated', () => ended('subscription terminated'));
      subscription.on('internal_error', (err: Error) => ended(`subscription failed: ${err.message}`));
      subscription.on('keepalive', () => void (this.#lastHeard = this.#now()));
      subscription.on('raw_notification', () => void (this.#lastHeard = this.#now()));
      this.#lastHeard = this.#now();
      for (const group of this.#plan.groups) {
        const items = group.slots.map((slot) => ({ nodeId: this.#device.tags[slot]!.address, attributeId: AttributeIds.Value }));
        const monitored = await subscription.monitorItems(items, group.parameters, TimestampsToReturn.Both);
        monitored.on('changed', (_item: ClientMonitoredItemBase, value: DataValue, index: number) => this.#onValue(group.slots[index]!, value));
        this.#checkItems(monitored.monitoredItems, group.slots);
      }
      this.#conn = { client, session, subscription };
      this.#sessions++;
      onUp();
      this.#setHealth(this.#badItems > 0 ? 'degraded' : 'up', this.#badItems > 0 ? `${this.#badItems} monitored item(s) refused by the server; see faults in details` : undefined);
      this.#logger.info({ device: this.#device.id, endpoint: o.endpoint, items: this.#plan.tags.length }, 'OPC UA subscription running');
      // Silence longer than a few keep-alives means the network is gone even if no socket closed.
      const silence = Math.max(3 * subscription.publishingInterval * subscription.maxKeepAliveCount, o.keepAliveInterval) + o.requestTimeout;
      const watchdog = setInterval(() => {
        if (this.#now() - this.#lastHeard > silence) ended(`no publish response or keep-alive for ${silence} ms`);
      }, Math.max(250, Math.min(silence / 4, 5000)));
      this.#wake = stopWaking;
      if (this.#closed) ended('closed');
      try {
        return await lost;
      } finally {
        clearInterval(watchdog);
        this.#wake = null;
      }
    } finally {
      this.#conn = null;
      this.#collector.flush();
      await withTimeout(client.disconnect(), o.requestTimeout).catch(() => {});
    }
  }

  #checkItems(items: ClientMonitoredItemBase[], slots: number[]): void {
    const now = this.#now();
    let bad = 0;
    items.forEach((item, i) => {
      const status = item.statusCode;
      if (!status || status.isGood()) return;
      const tag = this.#bySlot[slots[i]!];
      if (!tag) return;
      bad++;
      this.#faults.count(`item:${status.name}`, `OPC UA server refused to monitor ${tag.nodeId} (tag ${tag.id}): ${status.name}`, { device: this.#device.id, tag: tag.id });
      const at = this.#ledger.admit(tag.slot, now, now);
      if (!Number.isNaN(at)) this.#collector.builder.push(tag.tag, at, Number.NaN, statusToQuality(status.value), now);
    });
    this.#badItems = bad;
    if (bad > 0) this.#collector.pushed();
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

  #setHealth(state: ComponentHealth['state'], message?: string): void {
    if (this.#health.state === 'stopped') return;
    if (state === this.#health.state && message === this.#health.message) return;
    this.#health = message ? { state, since: this.#now(), message } : { state, since: this.#now() };
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }
}

function describeFailure(err: unknown, endpoint: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (UNTRUSTED.test(message)) {
    return `the server certificate of ${endpoint} is not trusted; an engineer can approve it: GET /api/v1/opcua/certificates, then POST /api/v1/opcua/certificates/<thumbprint>/trust`;
  }
  return `cannot connect to ${endpoint}: ${message}`;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
}
