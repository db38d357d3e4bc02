import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SampleBatch } from '../core/index.js';
import { authenticate, bearerToken } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { errorBody } from './error-response.js';
import type { ApiMetrics } from './http-metrics.js';
import { eventJson, qualityJson, sampleValue } from './sample-json.js';
import { StreamClient } from './stream-client.js';
import { looksLikeJwt, roleAtLeast, type TokenIdentity } from '../security/index.js';

/** Role the stream endpoint itself needs; each subscription kind is checked too (SUBSCRIPTION_ACCESS). */
const STREAM_ROLE = 'viewer';

/** Tuning of `/api/v1/stream`. */
export interface StreamOptions {
  /** Ping interval; a socket that missed the previous pong is terminated. Default 30 s. */
  heartbeatMs?: number;
  /** Per-socket send buffer bound; beyond it messages are dropped and counted. Default 1 MiB. */
  maxBufferedBytes?: number;
}

export const STREAM_PATH = '/api/v1/stream';

/** The WebSocket side of the API: authenticates upgrades and fans bus traffic out to subscribers. */
export class StreamSocket {
  #wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  #clients = new Set<StreamClient>();
  #credentials = new WeakMap<StreamClient, string>();
  #deps: ApiDeps;
  #metrics: ApiMetrics;
  #maxBuffered: number;
  #heartbeat: NodeJS.Timeout;
  #unsubscribe: (() => void)[];

  constructor(deps: ApiDeps, metrics: ApiMetrics, opts: StreamOptions = {}) {
    this.#deps = deps;
    this.#metrics = metrics;
    this.#maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
    this.#heartbeat = setInterval(() => this.#beat(), opts.heartbeatMs ?? 30_000);
    this.#heartbeat.unref();
    this.#unsubscribe = [
      deps.bus.subscribe('samples', (batch) => this.#fanOutSamples(batch)),
      deps.bus.subscribe('events', (event) => {
        if (this.#clients.size === 0) return;
        const frame = { type: 'event', event: eventJson(event) };
        for (const client of this.#clients) if (client.events) client.send(frame);
      }),
    ];
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** For the HTTP server's 'upgrade' event. The token comes from the Authorization header or `?token=` (browsers cannot set headers). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== STREAM_PATH) return reject(socket, 404, 'NOT_FOUND', `no WebSocket endpoint at ${url.pathname}; use ${STREAM_PATH}`);
    const credential = bearerToken(req.headers.authorization) ?? url.searchParams.get('token') ?? undefined;
    const accept = (identity: TokenIdentity): void => {
      if (!roleAtLeast(identity.role, STREAM_ROLE)) return reject(socket, 403, 'FORBIDDEN', `the stream needs the ${STREAM_ROLE} role`);
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, identity, credential!));
    };
    const refuse = (err: unknown): void => {
      const e = err as ApiError;
      reject(socket, e.status ?? 401, e.code ?? 'AUTH_INVALID', e.message);
    };
    const oidc = this.#deps.security?.oidc;
    if (oidc && credential && looksLikeJwt(credential)) {
      authenticate(this.#deps.tokens, credential, oidc).then(accept, refuse);
      return;
    }
    // Fabrik tokens verify synchronously, so the upgrade completes in the same tick as before.
    const identity = credential ? this.#deps.tokens.verify(credential) : null;
    if (!identity) return refuse(credential ? new ApiError(401, 'AUTH_INVALID', 'the token is invalid, revoked or expired') : new ApiError(401, 'AUTH_REQUIRED', 'the stream needs a token: ?token=<token> or an Authorization header'));
    accept(identity);
  }

  /** True while the socket's credential still verifies: a revoked or expired token loses its stream at the next heartbeat. */
  #stillValid(client: StreamClient): boolean {
    const { identity } = client;
    if (identity.expiresAt !== undefined && identity.expiresAt <= Date.now()) return false;
    if (identity.kind === 'oidc') return true;
    return this.#deps.tokens.verify(this.#credentials.get(client) ?? '') !== null;
  }

  /** Closes every stream socket and stops listening to the bus. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const off of this.#unsubscribe) off();
    for (const client of this.#clients) client.ws.close(1001, 'server shutting down');
    const deadline = setTimeout(() => {
      for (const client of this.#clients) client.ws.terminate();
    }, 1000);
    deadline.unref();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(ws: WebSocket, identity: TokenIdentity, credential: string): void {
    const client = new StreamClient(ws, identity, {
      tags: this.#deps.tags,
      maxBufferedBytes: this.#maxBuffered,
      onDrop: () => this.#metrics.wsDropped.inc(),
    });
    this.#clients.add(client);
    this.#credentials.set(client, credential);
    this.#metrics.wsClients.set(this.#clients.size);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => client.receive(data, isBinary));
    ws.on('error', (err) => this.#deps.logger?.warn({ err, token: identity.id }, 'stream socket error'));
    ws.on('close', () => {
      this.#clients.delete(client);
      this.#metrics.wsClients.set(this.#clients.size);
    });
  }

  #fanOutSamples(batch: SampleBatch): void {
    if (this.#clients.size === 0 || batch.length === 0) return;
    const { tags, enrich } = this.#deps;
    // One wire object per sample, shared by every client that wants it.
    const wire: (object | undefined)[] = new Array(batch.length);
    const toWire = (i: number): object => {
      let s = wire[i];
      if (!s) {
        const def = tags.get(batch.tag[i]!);
        const text = batch.text?.[i];
        s = {
          tag: def?.id ?? String(batch.tag[i]),
          ts: batch.ts[i]!,
          value: text ?? sampleValue(batch.value[i]!, def),
          ...qualityJson(batch.quality[i]!),
          arrival: batch.arrival[i]!,
        };
        wire[i] = s;
      }
      return s;
    };
    for (const client of this.#clients) {
      if (!client.hasTags) continue;
      const samples: object[] = [];
      for (let i = 0; i < batch.length; i++) {
        if (!client.wants(batch.tag[i]!)) continue;
        samples.push(client.context && enrich ? { ...toWire(i), context: enrich(batch, i) } : toWire(i));
      }
      if (samples.length > 0) client.send({ type: 'samples', samples });
    }
  }

  #beat(): void {
    for (const client of this.#clients) {
      if (!this.#stillValid(client)) {
        client.ws.close(4401, 'token expired or revoked');
        continue;
      }
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

function reject(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify(errorBody(code, message));
  socket.on('error', () => {});
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `${status === 401 ? 'WWW-Authenticate: Bearer\r\n' : ''}Connection: close\r\n\r\n${body}`,
  );
}
