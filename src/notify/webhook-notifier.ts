import type { FabrikEvent } from '../core/index.js';
import type { WebhookConfig } from './notify-config.js';

/** Counters of one webhook. */
export interface WebhookStats {
  name: string;
  queued: number;
  sent: number;
  /** Events given up after every retry failed, or refused by the receiver (4xx). */
  failed: number;
  /** Events dropped because the queue was full. */
  dropped: number;
  retries: number;
  lastError?: string;
}

export interface WebhookNotifierOptions {
  /** Delay before retry `attempt` (0-based), ms. */
  backoff?: (attempt: number) => number;
  onError?: (message: string, event: FabrikEvent) => void;
  fetch?: typeof fetch;
}

const defaultBackoff = (attempt: number): number => Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);

/**
 * Posts matching events as JSON to one URL, one at a time and in order, with
 * retries and backoff on network errors, 5xx and 429 (a 4xx is the receiver
 * refusing the event: not retried). A bounded queue keeps a dead receiver
 * from growing memory: the oldest events go first and are counted.
 */
export class WebhookNotifier {
  readonly stats: WebhookStats;
  private readonly queue: FabrikEvent[] = [];
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly match: (kind: string) => boolean;

  constructor(
    private readonly config: WebhookConfig,
    private readonly opts: WebhookNotifierOptions = {},
  ) {
    this.stats = { name: config.name ?? new URL(config.url).host, queued: 0, sent: 0, failed: 0, dropped: 0, retries: 0 };
    const exact = new Set(config.kinds.filter((k) => !k.endsWith('*')));
    const prefixes = config.kinds.filter((k) => k.endsWith('*')).map((k) => k.slice(0, -1));
    this.match = (kind) => exact.has(kind) || prefixes.some((p) => kind.startsWith(p));
  }

  /** Queues the event if its kind is one this webhook posts. */
  offer(event: FabrikEvent): void {
    if (this.closed || !this.match(event.kind)) return;
    if (this.queue.length >= this.config.maxQueue) {
      this.queue.shift();
      this.stats.dropped++;
    }
    this.queue.push(event);
    this.stats.queued = this.queue.length;
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once everything queued was posted or given up. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops retrying; queued events are dropped (counted). */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.flush();
    this.stats.dropped += this.queue.length;
    this.queue.length = 0;
    this.stats.queued = 0;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const event = this.queue.shift()!;
      this.stats.queued = this.queue.length;
      await this.deliver(event);
    }
  }

  private async deliver(event: FabrikEvent): Promise<void> {
    const body = JSON.stringify({ ...event, ts: new Date(event.ts).toISOString(), tsMs: event.ts });
    const send = this.opts.fetch ?? fetch;
    for (let attempt = 0; ; attempt++) {
      let retry: boolean;
      let error: string;
      try {
        const res = await send(this.config.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'fabrik-webhook', ...this.config.headers },
          body,
          signal: AbortSignal.any([AbortSignal.timeout(this.config.timeout), this.abort.signal]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.stats.sent++;
          return;
        }
        retry = res.status >= 500 || res.status === 429;
        error = `HTTP ${res.status}`;
      } catch (err) {
        retry = true;
        error = (err as Error).message;
      }
      this.stats.lastError = error;
      if (!retry || attempt >= this.config.retries || this.closed) {
        this.stats.failed++;
        this.opts.onError?.(`webhook ${this.stats.name}: ${error}${retry ? ` after ${attempt + 1} attempts` : ' (not retried)'}`, event);
        return;
      }
      this.stats.retries++;
      await sleep((this.opts.backoff ?? defaultBackoff)(attempt), this.abort.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
