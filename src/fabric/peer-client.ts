import type { Agent } from 'node:https';
import { z } from 'zod';
import { tlsFailureReason } from '../security/index.js';
import { FabricError, errorMessage } from './errors.js';
import { peerRequest, type PeerResponse } from './peer-request.js';

/** A peer's answer may not exceed this (a partial query's rows are capped well below it). */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

export const catalogueSchema = z.object({
  node: z.string().min(1),
  instance: z.string().min(1),
  siteId: z.string(),
  version: z.string(),
  builtAt: z.string(),
  tags: z.array(z.object({ tag: z.string(), from: z.string().nullable(), to: z.string().nullable(), samples: z.number() })),
  events: z.object({ count: z.number(), from: z.string().nullable(), to: z.string().nullable() }),
  sources: z.array(z.object({ name: z.string(), kind: z.string() })),
  pgPort: z.number().nullable(),
});

/** What a node tells its peers it holds. */
export type Catalogue = z.infer<typeof catalogueSchema>;

const partialSchema = z.object({
  node: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(z.unknown())),
  truncated: z.boolean(),
  elapsedMs: z.number(),
});

/** One node's answer to a partial query. */
export type PartialAnswer = z.infer<typeof partialSchema>;

/**
 * Talks to another node's /fabric/v1 routes with the site (or per-peer) token;
 * an https:// peer through `tlsAgent` (the site CA, and this node's certificate
 * for peers that require mutual TLS).
 */
export class PeerClient {
  readonly url: string;
  readonly #token: () => string | undefined;
  readonly #tls: { agent?: Agent; servername?: string };

  /** `tls.servername`: the name the peer's certificate must carry when it is dialled by address (peers found through DNS). */
  constructor(url: string, token: () => string | undefined, tls: { agent?: Agent; servername?: string } = {}) {
    this.url = url.replace(/\/+$/, '');
    this.#token = token;
    this.#tls = tls;
  }

  catalogue(timeoutMs: number, signal?: AbortSignal): Promise<Catalogue> {
    return this.#call('GET', '/fabric/v1/catalogue', undefined, timeoutMs, signal, (v) => catalogueSchema.parse(v));
  }

  partial(sql: string, opts: { maxRows: number; timeoutMs: number; signal?: AbortSignal }): Promise<PartialAnswer> {
    return this.#call('POST', '/fabric/v1/partial', { sql, maxRows: opts.maxRows, timeoutMs: opts.timeoutMs }, opts.timeoutMs + 1000, opts.signal, (v) => {
      const a = partialSchema.parse(v);
      const width = a.columns.length;
      const bad = a.rows.findIndex((r) => r.length !== width);
      if (bad >= 0) throw new Error(`row ${bad} has ${a.rows[bad]!.length} values for ${width} columns`);
      return a;
    });
  }

  async #call<T>(method: string, route: string, body: unknown, timeoutMs: number, signal: AbortSignal | undefined, parse: (v: unknown) => T): Promise<T> {
    const timeout = AbortSignal.timeout(Math.max(1, Math.floor(timeoutMs)));
    const token = this.#token();
    let res: PeerResponse;
    try {
      res = await peerRequest(new URL(`${this.url}${route}`), {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        tls: this.#tls,
        maxBytes: MAX_ANSWER_BYTES,
      });
    } catch (cause) {
      if (timeout.aborted) throw new FabricError('FABRIC_PEER_FAILED', `no answer within ${timeoutMs} ms`, { cause });
      const tls = tlsFailureReason(cause, this.url);
      throw tls ? new FabricError('FABRIC_PEER_TLS', tls, { cause }) : new FabricError('FABRIC_PEER_FAILED', errorMessage(cause), { cause });
    }
    const text = res.text;
    if (res.status < 200 || res.status >= 300) {
      let msg = text.slice(0, 300);
      try {
        msg = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? msg;
      } catch {
        // not JSON: keep the text
      }
      throw new FabricError('FABRIC_PEER_FAILED', `HTTP ${res.status}: ${msg}`);
    }
    try {
      return parse(JSON.parse(text));
    } catch (cause) {
      throw new FabricError('FABRIC_PEER_MALFORMED', `malformed answer: ${errorMessage(cause).slice(0, 300)}`, { cause });
    }
  }
}
