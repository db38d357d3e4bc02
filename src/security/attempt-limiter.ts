/** Tuning of `AttemptLimiter`. */
export interface AttemptLimits {
  /** Failures allowed per key inside `windowMs` before the key is locked. Default 5. */
  maxFailures?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** First lockout; doubles with every further lockout of the same key, up to `maxLockoutMs`. Default 1 minute. */
  lockoutMs?: number;
  /** Default 1 hour. */
  maxLockoutMs?: number;
  /** Keys remembered at most; the stalest are forgotten first. Default 10,000. */
  maxKeys?: number;
  now?: () => number;
}

interface KeyState {
  failures: number[];
  lockedUntil: number;
  lockouts: number;
  touched: number;
}

/**
 * Throttles guessing on the auth endpoints: failures are counted per key (the
 * account name and the client address are separate keys, so neither spraying
 * one password over many accounts nor many passwords at one account works), and
 * a key with too many recent failures is locked with exponential backoff.
 * In memory on purpose: a restart forgets, and that costs a guesser a restart.
 */
export class AttemptLimiter {
  #keys = new Map<string, KeyState>();
  #max: number;
  #window: number;
  #lockout: number;
  #maxLockout: number;
  #maxKeys: number;
  #now: () => number;

  constructor(limits: AttemptLimits = {}) {
    this.#max = limits.maxFailures ?? 5;
    this.#window = limits.windowMs ?? 15 * 60_000;
    this.#lockout = limits.lockoutMs ?? 60_000;
    this.#maxLockout = limits.maxLockoutMs ?? 3_600_000;
    this.#maxKeys = limits.maxKeys ?? 10_000;
    this.#now = limits.now ?? Date.now;
  }

  /** Milliseconds until the first of `keys` that is locked opens again, or 0 when none is. */
  blockedFor(keys: readonly string[]): number {
    const now = this.#now();
    let wait = 0;
    for (const key of keys) {
      const s = this.#keys.get(key);
      if (s && s.lockedUntil > now) wait = Math.max(wait, s.lockedUntil - now);
    }
    return wait;
  }

  /** Records a failed attempt on every key; returns the lockout it caused (0 if none). */
  fail(keys: readonly string[]): number {
    const now = this.#now();
    let locked = 0;
    for (const key of keys) {
      const s = this.#state(key, now);
      s.failures = s.failures.filter((t) => t > now - this.#window);
      s.failures.push(now);
      if (s.failures.length >= this.#max) {
        const ms = Math.min(this.#maxLockout, this.#lockout * 2 ** s.lockouts);
        s.lockouts++;
        s.lockedUntil = now + ms;
        s.failures = [];
        locked = Math.max(locked, ms);
      }
    }
    return locked;
  }

  /** A success clears the account key (not the client's: one right password does not excuse a spray). */
  succeed(key: string): void {
    this.#keys.delete(key);
  }

  get size(): number {
    return this.#keys.size;
  }

  #state(key: string, now: number): KeyState {
    let s = this.#keys.get(key);
    if (s) {
      // Re-insert so Map order stays least-recently-touched first.
      this.#keys.delete(key);
    } else {
      s = { failures: [], lockedUntil: 0, lockouts: 0, touched: now };
      while (this.#keys.size >= this.#maxKeys) {
        const oldest = this.#keys.keys().next().value;
        if (oldest === undefined) break;
        this.#keys.delete(oldest);
      }
    }
    s.touched = now;
    this.#keys.set(key, s);
    return s;
  }
}
