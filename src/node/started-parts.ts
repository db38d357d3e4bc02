/**
 * The parts a node has opened so far, each with how to close it. When a later
 * part fails to start, everything opened before it is closed again, newest
 * first, and the start-up error is what the caller sees.
 */
export class StartedParts {
  readonly #closers: { name: string; close: () => unknown }[] = [];

  constructor(private readonly onCloseError: (part: string, err: unknown) => void) {}

  /** Records how to close a part that is now open. */
  opened(name: string, close: () => unknown): void {
    this.#closers.push({ name, close });
  }

  /** Runs `start`; if it throws, closes every part opened so far (newest first) and rethrows. */
  async start<T>(start: () => Promise<T>): Promise<T> {
    try {
      return await start();
    } catch (err) {
      await this.#undo();
      throw err;
    }
  }

  async #undo(): Promise<void> {
    for (const { name, close } of this.#closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        this.onCloseError(name, err);
      }
    }
  }
}
