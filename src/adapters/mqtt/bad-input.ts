import type { Logger } from 'pino';

/** Why a message (or part of it) was not turned into samples. */
export type BadInputCause =
  | 'malformed-payload'
  | 'oversized'
  | 'unmapped-topic'
  | 'wrong-type'
  | 'missing-field'
  | 'bad-timestamp'
  | 'unknown-metric'
  | 'data-before-birth'
  | 'sequence-gap'
  | 'stale-death'
  | 'backlog-full';

/**
 * Counts bad input by cause and logs the first occurrence of each cause only:
 * a device that sends garbage 1,000 times a second must not flood the log.
 */
export class BadInputLog {
  readonly #counts = new Map<BadInputCause, number>();
  readonly #logger: Pick<Logger, 'warn'> | undefined;
  readonly #context: Record<string, unknown>;

  constructor(logger?: Pick<Logger, 'warn'>, context: Record<string, unknown> = {}) {
    this.#logger = logger;
    this.#context = context;
  }

  count(cause: BadInputCause, detail: string, n = 1): void {
    const before = this.#counts.get(cause) ?? 0;
    this.#counts.set(cause, before + n);
    if (before === 0) this.#logger?.warn({ ...this.#context, cause, detail }, `mqtt: bad input (${cause}); further ones are only counted, see health`);
  }

  get total(): number {
    let n = 0;
    for (const c of this.#counts.values()) n += c;
    return n;
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}
