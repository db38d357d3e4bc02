/**
 * Seeded pseudo-random numbers (mulberry32). The simulator never calls
 * Math.random: every series must replay bit for bit from its seed.
 */
export class Prng {
  #state: number;
  #spare: number | null = null;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /**
   * A generator for one named stream of a plant seed. Each machine draws from
   * its own stream, so adding line 7 does not change what line 1 does.
   */
  static derive(seed: number, stream: string): Prng {
    return new Prng(mix32(Math.imul(seed >>> 0, 0x9e3779b1) ^ fnv1a(stream)));
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Gaussian (Box–Muller, the second value of each pair kept for the next call). */
  normal(mean = 0, sigma = 1): number {
    if (this.#spare !== null) {
      const z = this.#spare;
      this.#spare = null;
      return mean + sigma * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return mean + sigma * r * Math.cos(2 * Math.PI * v);
  }
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Finaliser of murmur3: spreads nearby seeds (1, 2, 3…) over the whole state space. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
