import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { SyncError, SyncErrorCode } from './errors.js';
import type { BatchAck, ContactReply, EnrolReply, SiteContactInput, SyncBatch } from './wire.js';

export interface HubClientOptions {
  /** The hub's base URL, e.g. https://hub.example.com:8090 */
  url: string;
  /** The site credential from enrolment. */
  credential?: string;
  /** CA / client certificate for HTTPS (from the security capability's `clientTlsOptions`). */
  tls?: ConnectionOptions;
  /** A request that takes longer fails (and is retried by the uplink). Default 30 s. */
  timeoutMs?: number;
  /** gzip level of request bodies: 1 (default) costs a fifth of level 6's CPU for about a quarter more bytes. */
  gzipLevel?: number;
}

/** A batch's idempotency key: the same items of the same outbox always carry the same key. */
export function idempotencyKey(b: Pick<SyncBatch, 'epoch' | 'stream' | 'firstSeq' | 'lastSeq'>): string {
  return `${b.epoch}:${b.stream}:${b.firstSeq}-${b.lastSeq}`;
}

/** A batch encoded and compressed, ready to send. */
export interface PackedBatch {
  key: string;
  body: Buffer;
  payloadBytes: number;
}

/** The hub's HTTP API as the site uses it: enrol, send a batch, contact. Bodies are gzip'd JSON. */
export class HubClient {
  readonly #o: HubClientOptions;
  readonly #base: URL;

  constructor(opts: HubClientOptions) {
    this.#o = opts;
    this.#base = new URL(opts.url);
  }

  get url(): string {
    return this.#base.origin;
  }

  /** Trades a one-time enrolment token for the site's own credential. */
  async enrol(token: string, siteId: string, name?: string): Promise<EnrolReply> {
    return (await this.#post('/api/v1/enrol', { token, siteId, ...(name ? { name } : {}) }, false)).body as EnrolReply;
  }

  /** Sends one batch; resolves with the hub's acknowledgement (given after its commit) and the bytes that went over the wire. */
  sendBatch(batch: SyncBatch): Promise<{ ack: BatchAck; wireBytes: number; payloadBytes: number }> {
    return this.sendPacked(this.pack(batch));
  }

  /** Encodes and compresses a batch ahead of sending it (the uplink packs the next batch while the hub stores this one). */
  pack(batch: SyncBatch): PackedBatch {
    const json = Buffer.from(JSON.stringify(batch), 'utf8');
    return { key: idempotencyKey(batch), body: gzipSync(json, { level: this.#o.gzipLevel ?? 1 }), payloadBytes: json.length };
  }

  async sendPacked(p: PackedBatch): Promise<{ ack: BatchAck; wireBytes: number; payloadBytes: number }> {
    const res = await this.#send('/api/v1/sync/batches', p.body, p.payloadBytes, true, { 'idempotency-key': p.key });
    return { ack: res.body as BatchAck, wireBytes: res.wireBytes, payloadBytes: res.payloadBytes };
  }

  async contact(c: SiteContactInput): Promise<ContactReply> {
    return (await this.#post('/api/v1/sync/contact', c, true)).body as ContactReply;
  }

  /** Downloads a model version the hub distributed to this site (the raw ONNX bytes). */
  model(name: string, version: number, maxBytes: number): Promise<Uint8Array> {
    const path = `/api/v1/sync/models/${encodeURIComponent(name)}/${version}`;
    const url = new URL(path, this.#base);
    if (!this.#o.credential) throw new SyncError(SyncErrorCode.NotEnrolled, 'the site has no hub credential; enrol it first (fabrik hub enrol)');
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'GET',
        ...(url.protocol === 'https:' ? (this.#o.tls ?? {}) : {}),
        headers: { authorization: `Bearer ${this.#o.credential}` },
        timeout: this.#o.timeoutMs ?? 30_000,
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#o.timeoutMs ?? 30_000} ms`)));
      req.on('error', (err) => reject(new SyncError(SyncErrorCode.HubUnreachable, `the hub at ${this.#base.origin} cannot be reached: ${err.message}`, { cause: err })));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) return void req.destroy(new Error(`the model is larger than ${maxBytes} bytes`));
          chunks.push(c);
        });
        res.on('error', (err) => reject(new SyncError(SyncErrorCode.HubUnreachable, `the hub's answer broke off: ${err.message}`, { cause: err })));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(new Uint8Array(body.buffer, body.byteOffset, body.length));
          let message = body.toString('utf8').slice(0, 200);
          try {
            message = (JSON.parse(message) as { error?: { message?: string } }).error?.message ?? message;
          } catch {
            // not JSON: the text itself says what went wrong
          }
          reject(new SyncError(status === 401 || status === 403 || status === 404 ? SyncErrorCode.HubRefused : SyncErrorCode.HubUnreachable, `the hub answered ${status} to ${path}: ${message}`, { status }));
        });
      });
      req.end();
    });
  }

  #post(path: string, body: unknown, auth: boolean): Promise<{ body: unknown; wireBytes: number; payloadBytes: number }> {
    const json = Buffer.from(JSON.stringify(body), 'utf8');
    return this.#send(path, gzipSync(json, { level: this.#o.gzipLevel ?? 1 }), json.length, auth);
  }

  #send(path: string, gz: Buffer, payloadBytes: number, auth: boolean, headers: Record<string, string> = {}): Promise<{ body: unknown; wireBytes: number; payloadBytes: number }> {
    const url = new URL(path, this.#base);
    if (auth && !this.#o.credential) throw new SyncError(SyncErrorCode.NotEnrolled, 'the site has no hub credential; enrol it first (fabrik hub enrol)');
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        ...(url.protocol === 'https:' ? (this.#o.tls ?? {}) : {}),
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'content-length': String(gz.length),
          ...(auth ? { authorization: `Bearer ${this.#o.credential}` } : {}),
          ...headers,
        },
        timeout: this.#o.timeoutMs ?? 30_000,
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#o.timeoutMs ?? 30_000} ms`)));
      req.on('error', (err) => reject(new SyncError(SyncErrorCode.HubUnreachable, `the hub at ${this.#base.origin} cannot be reached: ${err.message}`, { cause: err })));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new SyncError(SyncErrorCode.HubUnreachable, `the hub's answer broke off: ${err.message}`, { cause: err })));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = { error: { code: 'NOT_JSON', message: text.slice(0, 200) } };
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ body: parsed, wireBytes: gz.length, payloadBytes });
          const err = (parsed as { error?: { code?: string; message?: string } }).error ?? {};
          const code = err.code === 'SEQUENCE_GAP' ? SyncErrorCode.SequenceGap : status === 401 || status === 403 ? SyncErrorCode.HubRefused : SyncErrorCode.HubUnreachable;
          reject(new SyncError(code, `the hub answered ${status} to ${path}: ${err.message ?? text.slice(0, 200)}`, { status, details: err as Record<string, unknown> }));
        });
      });
      req.end(gz);
    });
  }
}
