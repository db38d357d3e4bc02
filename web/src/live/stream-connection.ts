import type { WireEvent, WireSample } from '../api/types.js';
import { backoffDelay } from './backoff.js';
import { Observable } from './observable.js';

export interface StreamStatus {
  state: 'connecting' | 'open' | 'waiting' | 'stopped';
  /** Failed attempts in a row. */
  attempt: number;
  /** When the next attempt starts (epoch ms), while waiting. */
  retryAt: number | null;
  /** Whether a connection was ever open: the first connect is not an outage. */
  everOpened: boolean;
  /** Stream messages the node dropped because this client was slow. */
  dropped: number;
}

const PATTERNS_PER_MESSAGE = 500;

type ServerMessage =
  | { type: 'samples'; samples: WireSample[] }
  | { type: 'event'; event: WireEvent }
  | { type: 'subscribed'; tags: string[]; events: boolean; unknown?: string[] }
  | { type: 'dropped'; count: number; total: number }
  | { type: 'error'; error: { code: string; message: string } };

/**
 * The one WebSocket to `/api/v1/stream`: subscribes to what the open pages
 * watch (reference counted), resubscribes after every reconnect, and
 * reconnects by itself with backoff.
 */
export class StreamConnection {
  readonly status = new Observable<StreamStatus>({ state: 'stopped', attempt: 0, retryAt: null, everOpened: false, dropped: 0 });
  #token: string;
  #ws: WebSocket | null = null;
  #timer: number | null = null;
  #patterns = new Map<string, number>();
  #eventWatchers = 0;
  #sampleListeners = new Set<(samples: WireSample[]) => void>();
  #eventListeners = new Set<(event: WireEvent) => void>();
  #openListeners = new Set<() => void>();
  #stopped = true;

  constructor(token: string) {
    this.#token = token;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    addEventListener('online', this.#wake);
    document.addEventListener('visibilitychange', this.#wake);
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    removeEventListener('online', this.#wake);
    document.removeEventListener('visibilitychange', this.#wake);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#ws?.close(1000, 'signed out');
    this.#ws = null;
    this.#update({ state: 'stopped', retryAt: null });
  }

  /** Skips the wait before the next attempt. */
  retryNow(): void {
    if (this.#stopped || this.status.value.state !== 'waiting') return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#connect();
  }

  /** Receives samples of tags matching the patterns (exact ids or globs) until the returned function is called. */
  watchTags(patterns: readonly string[]): () => void {
    const added = patterns.filter((p) => {
      const n = this.#patterns.get(p) ?? 0;
      this.#patterns.set(p, n + 1);
      return n === 0;
    });
    this.#sendTags('subscribe', added);
    return () => {
      const removed = patterns.filter((p) => {
        const n = (this.#patterns.get(p) ?? 1) - 1;
        if (n <= 0) this.#patterns.delete(p);
        else this.#patterns.set(p, n);
        return n <= 0;
      });
      this.#sendTags('unsubscribe', removed);
    };
  }

  onSamples(listener: (samples: WireSample[]) => void): () => void {
    this.#sampleListeners.add(listener);
    return () => this.#sampleListeners.delete(listener);
  }

  /** Called after every (re)connect, e.g. to refetch what was missed while away. */
  onOpen(listener: () => void): () => void {
    this.#openListeners.add(listener);
    return () => this.#openListeners.delete(listener);
  }

  /** Receives every event while at least one watcher is registered. */
  watchEvents(listener: (event: WireEvent) => void): () => void {
    this.#eventListeners.add(listener);
    if (this.#eventWatchers++ === 0) this.#send({ type: 'subscribe', events: true });
    return () => {
      this.#eventListeners.delete(listener);
      if (--this.#eventWatchers === 0) this.#send({ type: 'unsubscribe', events: true });
    };
  }

  #wake = (): void => {
    if (document.visibilityState === 'visible') this.retryNow();
  };

  #connect(): void {
    this.#timer = null;
    this.#update({ state: 'connecting', retryAt: null });
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/api/v1/stream?token=${encodeURIComponent(this.#token)}`);
    this.#ws = ws;
    ws.onopen = () => {
      this.#update({ state: 'open', attempt: 0, everOpened: true });
      this.#send({ type: 'subscribe', events: this.#eventWatchers > 0 });
      this.#sendTags('subscribe', [...this.#patterns.keys()]);
      for (const listener of [...this.#openListeners]) listener();
    };
    ws.onmessage = (e) => this.#receive(e.data);
    ws.onclose = () => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      if (this.#stopped) return;
      const attempt = this.status.value.attempt + 1;
      const delay = backoffDelay(attempt);
      this.#update({ state: 'waiting', attempt, retryAt: Date.now() + delay });
      this.#timer = window.setTimeout(() => this.#connect(), delay);
    };
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    switch (msg.type) {
      case 'samples':
        for (const listener of this.#sampleListeners) listener(msg.samples);
        break;
      case 'event':
        for (const listener of this.#eventListeners) listener(msg.event);
        break;
      case 'dropped':
        this.#update({ dropped: msg.total });
        break;
      case 'error':
        console.warn(`stream: ${msg.error.code}: ${msg.error.message}`);
        break;
      default:
        break;
    }
  }

  /** The node takes at most 1,000 patterns per message; a big plant's overview watches more. */
  #sendTags(type: 'subscribe' | 'unsubscribe', tags: readonly string[]): void {
    for (let i = 0; i < tags.length; i += PATTERNS_PER_MESSAGE) this.#send({ type, tags: tags.slice(i, i + PATTERNS_PER_MESSAGE) });
  }

  #send(msg: object): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(msg));
  }

  #update(patch: Partial<StreamStatus>): void {
    this.status.set({ ...this.status.value, ...patch });
  }
}
