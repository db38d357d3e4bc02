import type { ComponentHealth } from '../core/index.js';

/**
 * What a source says of its own health. It changes only when the state or the
 * message does, so `since` tells how long the source has been so; once
 * stopped it stays stopped, whatever a late callback reports.
 */
export class SourceHealth {
  readonly #now: () => number;
  #current: ComponentHealth;

  constructor(now: () => number) {
    this.#now = now;
    this.#current = { state: 'starting', since: now() };
  }

  get current(): ComponentHealth {
    return this.#current;
  }

  set(state: ComponentHealth['state'], message?: string): void {
    if (this.#current.state === 'stopped') return;
    if (state === this.#current.state && message === this.#current.message) return;
    this.#current = message ? { state, since: this.#now(), message } : { state, since: this.#now() };
  }
}
