import { WebSocket, type RawData } from 'ws';
import { z } from 'zod';
import type { TagRegistry } from '../core/index.js';
import { roleAtLeast, scopeAllows, type Role, type TokenIdentity } from '../security/index.js';
import { isGlob, tagMatcher } from './tag-glob.js';

const patterns = z.array(z.string().min(1).max(256)).max(1000);
const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), tags: patterns.optional(), events: z.boolean().optional(), context: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('unsubscribe'), tags: patterns.optional(), events: z.boolean().optional() }).strict(),
]);

/**
 * Who may subscribe to what on the stream, declared like the routes' roles:
 * the role it needs and the API area a scoped token must include.
 */
export const SUBSCRIPTION_ACCESS: Record<'tags' | 'events', { role: Role; area: string }> = {
  tags: { role: 'viewer', area: 'tags' },
  events: { role: 'viewer', area: 'events' },
};

/** Null when the identity may subscribe to `kind`, else why not. */
export function subscriptionRefusal(identity: TokenIdentity, kind: keyof typeof SUBSCRIPTION_ACCESS): string | null {
  const need = SUBSCRIPTION_ACCESS[kind];
  if (!roleAtLeast(identity.role, need.role)) return `subscribing to ${kind} needs the ${need.role} role; token "${identity.name}" has ${identity.role}`;
  if (!scopeAllows(identity.scopes, need.area, 'GET') && !scopeAllows(identity.scopes, 'stream', 'GET')) {
    return `token "${identity.name}" is limited to ${identity.scopes!.join(', ')}; subscribing to ${kind} needs scope "${need.area}" or "stream"`;
  }
  return null;
}

/** What one stream socket is subscribed to, and its bounded send path. */
export class StreamClient {
  readonly ws: WebSocket;
  readonly identity: TokenIdentity;
  /** Cleared by each heartbeat, set by the pong. */
  alive = true;
  events = false;
  /** The client asked for enrichment fields on samples. */
  context = false;
  dropped = 0;
  #unreported = 0;
  #patterns = new Map<string, (id: string) => boolean>();
  /** Tag index → subscribed?, so a batch costs one lookup per sample. */
  #wanted = new Map<number, boolean>();
  #tags: TagRegistry;
  #maxBuffered: number;
  #onDrop: () => void;

  constructor(ws: WebSocket, identity: TokenIdentity, opts: { tags: TagRegistry; maxBufferedBytes: number; onDrop: () => void }) {
    this.ws = ws;
    this.identity = identity;
    this.#tags = opts.tags;
    this.#maxBuffered = opts.maxBufferedBytes;
    this.#onDrop = opts.onDrop;
  }

  get hasTags(): boolean {
    return this.#patterns.size > 0;
  }

  wants(tagIndex: number): boolean {
    let hit = this.#wanted.get(tagIndex);
    if (hit === undefined) {
      const id = this.#tags.get(tagIndex)?.id;
      hit = id !== undefined && [...this.#patterns.values()].some((match) => match(id));
      this.#wanted.set(tagIndex, hit);
    }
    return hit;
  }

  /** Handles one client frame; bad frames get an error frame, never an exception. */
  receive(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.#error('STREAM_MESSAGE_INVALID', 'binary frames are not understood; send JSON text');
    let value: unknown;
    try {
      value = JSON.parse(data.toString());
    } catch {
      return this.#error('STREAM_MESSAGE_MALFORMED', 'message is not valid JSON');
    }
    const parsed = clientMessage.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
      return this.#error('STREAM_MESSAGE_INVALID', `expected {"type":"subscribe"|"unsubscribe","tags":[...],"events":bool}: ${problems}`);
    }
    const msg = parsed.data;
    if (msg.type === 'subscribe') {
      const refusal = (msg.tags?.length ? subscriptionRefusal(this.identity, 'tags') : null) ?? (msg.events ? subscriptionRefusal(this.identity, 'events') : null);
      if (refusal) return this.#error('FORBIDDEN', refusal);
      for (const p of msg.tags ?? []) this.#patterns.set(p, tagMatcher(p));
      if (msg.events !== undefined) this.events = msg.events;
      if (msg.context !== undefined) this.context = msg.context;
    } else if (msg.tags === undefined && msg.events === undefined) {
      this.#patterns.clear();
      this.events = false;
    } else {
      for (const p of msg.tags ?? []) this.#patterns.delete(p);
      if (msg.events) this.events = false;
    }
    this.#wanted.clear();
    const unknown = [...this.#patterns.keys()].filter((p) => !isGlob(p) && !this.#tags.has(p));
    this.send({ type: 'subscribed', tags: [...this.#patterns.keys()], events: this.events, ...(unknown.length ? { unknown } : {}) });
  }

  /**
   * Sends unless the socket's send buffer is over its bound: a slow client then
   * loses (and is told how many) messages rather than growing the node's memory.
   */
  send(message: object): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount > this.#maxBuffered) {
      this.dropped++;
      this.#unreported++;
      this.#onDrop();
      return false;
    }
    if (this.#unreported > 0) {
      this.ws.send(JSON.stringify({ type: 'dropped', count: this.#unreported, total: this.dropped }));
      this.#unreported = 0;
    }
    this.ws.send(JSON.stringify(message));
    return true;
  }

  #error(code: string, message: string): void {
    this.send({ type: 'error', error: { code, message } });
  }
}
