import type { Logger } from 'pino';
import type { ComponentHealth, SampleBatch, Source } from '../core/index.js';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffOptions } from './backoff.js';

/** Builds a fresh source each (re)start: a failed source is discarded, never reused. */
export type SourceFactory = () => Source | Promise<Source>;

interface Supervised {
  name: string;
  factory: SourceFactory;
  current: Source | null;
  health: ComponentHealth;
  restarts: number;
  done: Promise<void>;
}

/**
 * Runs sources and restarts any that fails, with backoff, reporting each one's
 * health. A failing part never takes the node down; `stop()` closes them all.
 */
export class Supervisor {
  #parts = new Map<string, Supervised>();
  #abort = new AbortController();
  #logger: Logger;
  #onBatch: (batch: SampleBatch, source: string) => void;
  #backoff: BackoffOptions;

  constructor(opts: { logger: Logger; onBatch: (batch: SampleBatch, source: string) => void; backoff?: BackoffOptions }) {
    this.#logger = opts.logger;
    this.#onBatch = opts.onBatch;
    this.#backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  add(name: string, factory: SourceFactory): void {
    if (this.#parts.has(name)) throw new Error(`a source named "${name}" is already supervised`);
    const part: Supervised = {
      name,
      factory,
      current: null,
      restarts: 0,
      health: { state: 'starting', since: Date.now() },
      done: Promise.resolve(),
    };
    this.#parts.set(name, part);
    part.done = this.#run(part);
  }

  /** The running instance of a source, or null while it is (re)starting. */
  current(name: string): Source | null {
    return this.#parts.get(name)?.current ?? null;
  }

  health(): Record<string, ComponentHealth> {
    const out: Record<string, ComponentHealth> = {};
    for (const p of this.#parts.values()) {
      const live = p.current?.health();
      out[p.name] = live && p.health.state === 'up' ? { ...live, restarts: p.restarts } : { ...p.health, restarts: p.restarts };
    }
    return out;
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all(
      [...this.#parts.values()].map(async (p) => {
        await p.current?.close().catch(() => {});
        await p.done;
      }),
    );
  }

  #set(part: Supervised, state: ComponentHealth['state'], message?: string): void {
    if (part.health.state !== state || part.health.message !== message) {
      part.health = { state, since: Date.now(), ...(message ? { message } : {}) };
    }
  }

  async #run(part: Supervised): Promise<void> {
    const signal = this.#abort.signal;
    let attempt = 0;
    while (!signal.aborted) {
      try {
        part.current = await part.factory();
        // stop() may have run while the factory was awaited; it could not close this one.
        if (signal.aborted) break;
        this.#set(part, 'up');
        for await (const batch of part.current.batches()) {
          attempt = 0;
          if (batch.length > 0) this.#onBatch(batch, part.name);
          if (signal.aborted) break;
        }
        if (signal.aborted) break;
        throw new Error('source ended unexpectedly');
      } catch (err) {
        if (signal.aborted) break;
        const message = err instanceof Error ? err.message : String(err);
        const delay = backoffDelay(attempt++, this.#backoff);
        part.restarts++;
        this.#set(part, 'down', `${message} (restarting in ${delay} ms)`);
        this.#logger.warn({ source: part.name, err: message, delayMs: delay, restarts: part.restarts }, 'source failed; restarting with backoff');
        await part.current?.close().catch(() => {});
        part.current = null;
        await sleep(delay, signal);
      }
    }
    await part.current?.close().catch(() => {});
    this.#set(part, 'stopped');
  }
}
