/** The logging the adapter needs; a pino Logger fits. */
export interface OpcuaLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Counts bad input and failures by cause and logs each cause once: a server
 * sending the wrong type a thousand times a second must not flood the log,
 * but the count stays visible in health.
 */
export class FaultCounter {
  readonly #counts = new Map<string, number>();
  readonly #logger: OpcuaLogger;

  constructor(logger: OpcuaLogger) {
    this.#logger = logger;
  }

  /** Counts one occurrence; logs `message` only the first time `cause` is seen. */
  count(cause: string, message: string, details: object = {}): void {
    const n = (this.#counts.get(cause) ?? 0) + 1;
    this.#counts.set(cause, n);
    if (n === 1) this.#logger.warn({ cause, ...details }, `${message} (logged once; further occurrences are counted in health)`);
  }

  get total(): number {
    let t = 0;
    for (const n of this.#counts.values()) t += n;
    return t;
  }

  /** Counts by cause, for health details. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}
