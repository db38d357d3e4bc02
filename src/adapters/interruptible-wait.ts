/**
 * The waits of a source's loop (the next poll, a reconnect backoff) that
 * closing the source must cut short: `wake()` ends the current wait at once,
 * and after `close()` every wait returns at once.
 */
export class InterruptibleWait {
  #wake: (() => void) | null = null;
  #closed = false;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#closed) return resolve();
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }

  wake(): void {
    this.#wake?.();
  }

  close(): void {
    this.#closed = true;
    this.wake();
  }
}
