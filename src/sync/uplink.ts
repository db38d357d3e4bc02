import type { Logger } from 'pino';
import { BandwidthCap } from './bandwidth-cap.js';
import { SyncError, SyncErrorCode } from './errors.js';
import type { HubClient, PackedBatch } from './hub-client.js';
import type { Outbox } from './outbox.js';
import { retryDelay } from './retry-delay.js';
import { STREAMS, type ContactReply, type DesiredModel, type SiteContactInput, type Stream, type SyncBatch } from './wire.js';

export interface UplinkOptions {
  outbox: Outbox;
  siteId: string;
  /** The hub client with the site's credential; enrols first when needed. Throws when the site cannot be enrolled. */
  client(): Promise<HubClient>;
  /** The status the site reports on each contact. */
  contact(): Promise<SiteContactInput>;
  /** The hub wants another config on the site. */
  onDesiredConfig(desired: NonNullable<ContactReply['desiredConfig']>): Promise<void>;
  /** The hub distributed model versions the site does not have yet. */
  onDesiredModels?(models: DesiredModel[], client: HubClient): Promise<void>;
  batchItems: number;
  batchBytes: number;
  bandwidth: number;
  retryMinMs: number;
  retryMaxMs: number;
  contactEveryMs: number;
  backfillAfterMs: number;
  logger: Logger;
  now?: () => number;
}

/** What the uplink has done, for the status route. */
export interface UplinkStatus {
  state: 'connected' | 'backing-off';
  lastSuccess: number | null;
  lastAttempt: number | null;
  lastError: string | null;
  failures: number;
  nextRetryAt: number | null;
  sent: { batches: number; items: number; wireBytes: number; payloadBytes: number };
  /** Wire bytes per second over the last minute. */
  bytesPerSecond: number;
}

/**
 * Drains the outbox to the hub: one batch in flight, the most important
 * stream first, each batch from the last acknowledged sequence on, so after a
 * restart or an outage it resumes exactly where the hub's commits ended. A
 * failure backs off exponentially with jitter; nothing here ever waits on the
 * node's ingest, and the node never waits on this.
 */
export class Uplink {
  readonly #o: UplinkOptions;
  readonly #now: () => number;
  readonly #cap: BandwidthCap;
  readonly #status: UplinkStatus = { state: 'connected', lastSuccess: null, lastAttempt: null, lastError: null, failures: 0, nextRetryAt: null, sent: { batches: 0, items: 0, wireBytes: 0, payloadBytes: 0 }, bytesPerSecond: 0 };
  readonly #recent: { at: number; bytes: number }[] = [];
  /** Per stream: the hub lost items the site no longer has; announce them as dropped. */
  readonly #forceDropped = new Map<Stream, number>();
  /** The next batch, read and packed while the previous one was on its way. */
  #ahead: { stream: Stream; firstSeq: number; batch: Promise<{ batch: SyncBatch; packed: PackedBatch } | null> } | null = null;
  #nextContact = 0;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;

  constructor(opts: UplinkOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    this.#cap = new BandwidthCap(opts.bandwidth);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Something was appended: stop idling. */
  wake(): void {
    this.#wake?.();
  }

  /** Makes the next loop turn report to the hub. */
  contactSoon(): void {
    this.#nextContact = 0;
    this.wake();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
  }

  status(): UplinkStatus {
    const now = this.#now();
    while (this.#recent.length > 0 && this.#recent[0]!.at < now - 60_000) this.#recent.shift();
    const bytes = this.#recent.reduce((s, r) => s + r.bytes, 0);
    return { ...this.#status, sent: { ...this.#status.sent }, bytesPerSecond: bytes / 60 };
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let idle = false;
      try {
        this.#status.lastAttempt = this.#now();
        const client = await this.#o.client();
        if (this.#now() >= this.#nextContact) {
          await this.#contact(client);
          this.#nextContact = this.#now() + this.#o.contactEveryMs;
        }
        idle = !(await this.#sendOne(client));
        Object.assign(this.#status, { state: 'connected', failures: 0, lastError: null, nextRetryAt: null, lastSuccess: this.#now() });
      } catch (err) {
        const failures = this.#status.failures + 1;
        const delay = retryDelay(failures, this.#o.retryMinMs, this.#o.retryMaxMs);
        Object.assign(this.#status, { state: 'backing-off', failures, lastError: (err as Error).message, nextRetryAt: this.#now() + delay });
        if (failures === 1 || failures % 10 === 0) this.#o.logger.warn({ err: (err as Error).message, failures, retryInMs: Math.round(delay) }, 'hub uplink failed; backing off');
        await this.#sleep(delay, false);
        continue;
      }
      if (idle) await this.#sleep(Math.min(1000, Math.max(0, this.#nextContact - this.#now())), true);
    }
  }

  /** Sends the next batch of the most important stream that has one; false when there was nothing to send. */
  async #sendOne(client: HubClient): Promise<boolean> {
    const { outbox } = this.#o;
    for (const stream of STREAMS) {
      const done = outbox.doneThrough(stream);
      if (outbox.lastSeq(stream) <= done) continue;
      const ahead = this.#ahead?.stream === stream && this.#ahead.firstSeq === done + 1 ? this.#ahead : null;
      this.#ahead = null;
      const next = (ahead ? await ahead.batch : null) ?? (await this.#pack(client, stream, done));
      if (!next) continue;
      const { batch, packed } = next;
      const wait = this.#cap.waitMs(this.#now());
      if (wait > 0) await this.#sleep(wait, false);
      const sending = client.sendPacked(packed);
      // While the hub stores this batch, read and pack the next one of the same stream.
      if (outbox.lastSeq(stream) > batch.lastSeq) this.#ahead = { stream, firstSeq: batch.lastSeq + 1, batch: this.#pack(client, stream, batch.lastSeq).catch(() => null) };
      let sent;
      try {
        sent = await sending;
      } catch (err) {
        this.#ahead = null;
        if (err instanceof SyncError && err.code === SyncErrorCode.SequenceGap) {
          // The hub misses items this site already deleted after an acknowledgement (a restored hub database): say so, and go on.
          this.#o.logger.error({ stream, expected: err.details['expected'], from: batch.firstSeq }, 'the hub lost acknowledged items; they are announced as dropped');
          this.#forceDropped.set(stream, batch.firstSeq - 1);
        }
        throw err;
      }
      this.#cap.spent(sent.wireBytes, this.#now());
      await outbox.ack(stream, Math.min(sent.ack.ackedThrough, batch.lastSeq));
      const s = this.#status.sent;
      s.batches++;
      s.items += batch.items.length;
      s.wireBytes += sent.wireBytes;
      s.payloadBytes += sent.payloadBytes;
      this.#recent.push({ at: this.#now(), bytes: sent.wireBytes });
      return true;
    }
    return false;
  }

  /** The batch after `afterSeq` of a stream, encoded; null when there is none. */
  async #pack(client: HubClient, stream: Stream, afterSeq: number): Promise<{ batch: SyncBatch; packed: PackedBatch } | null> {
    const { outbox } = this.#o;
    const items = await outbox.read(stream, afterSeq, this.#o.batchItems, this.#o.batchBytes);
    if (items.length === 0) return null;
    const batch: SyncBatch = {
      siteId: this.#o.siteId,
      epoch: outbox.epoch,
      stream,
      firstSeq: items[0]!.seq,
      lastSeq: items.at(-1)!.seq,
      droppedThrough: Math.max(outbox.droppedThrough(stream), this.#forceDropped.get(stream) ?? 0),
      backfill: this.#now() - items[0]!.at > this.#o.backfillAfterMs,
      sentAt: this.#now(),
      items,
    };
    return { batch, packed: client.pack(batch) };
  }

  async #contact(client: HubClient): Promise<void> {
    const reply = await client.contact(await this.#o.contact());
    if (reply.desiredConfig) await this.#o.onDesiredConfig(reply.desiredConfig);
    if (reply.desiredModels && reply.desiredModels.length > 0) await this.#o.onDesiredModels?.(reply.desiredModels, client);
  }

  #sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = wakeable || !this.#running ? done : () => (this.#running ? undefined : done());
    });
  }
}
