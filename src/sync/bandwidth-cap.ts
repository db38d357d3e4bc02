/** Spaces sends so that on average no more than `bytesPerSecond` leave; 0 means no cap. */
export class BandwidthCap {
  readonly #rate: number;
  #freeAt = 0;

  constructor(bytesPerSecond: number) {
    this.#rate = bytesPerSecond;
  }

  /** Milliseconds to wait before the next send may start. */
  waitMs(now: number): number {
    return this.#rate <= 0 ? 0 : Math.max(0, this.#freeAt - now);
  }

  /** Books bytes just sent: the link is busy with them for bytes / rate. */
  spent(bytes: number, now: number): void {
    if (this.#rate > 0) this.#freeAt = Math.max(now, this.#freeAt) + (bytes * 1000) / this.#rate;
  }
}
