import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

const IMAGE_FILE = /\.(png|jpe?g|ppm)$/i;
/** A file must look the same on two scans and be this old before it is read: the vision system may still be writing it. */
const SETTLE_MS = 150;

/** What became of one file. */
export type FileOutcome = 'done' | 'rejected';

/**
 * Polls a folder a vision system drops images into. Polling, not fs.watch:
 * it works the same on network shares and in containers, and a file is read
 * only once its size and mtime held still between two scans. Each file is
 * handed over once, then moved to done/ or rejected/ (or deleted).
 */
export class FolderWatch {
  readonly dir: string;
  readonly #interval: number;
  readonly #after: 'move' | 'delete';
  readonly #onFile: (file: string, name: string) => Promise<FileOutcome>;
  readonly #onError: (err: unknown) => void;
  #seen = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #scanning: Promise<void> | null = null;
  #stopped = false;
  files = 0;
  lastScanAt = 0;
  lastError: string | null = null;

  constructor(opts: { dir: string; intervalMs: number; after: 'move' | 'delete'; onFile: (file: string, name: string) => Promise<FileOutcome>; onError?: (err: unknown) => void }) {
    this.dir = opts.dir;
    this.#interval = opts.intervalMs;
    this.#after = opts.after;
    this.#onFile = opts.onFile;
    this.#onError = opts.onError ?? (() => {});
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.#schedule();
  }

  /** Stops scanning and waits for the file in hand. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#scanning;
  }

  /** One scan now (tests and shutdown use it); resolves when every settled file was handled. */
  scan(): Promise<void> {
    this.#scanning ??= this.#scan().finally(() => {
      this.#scanning = null;
    });
    return this.#scanning;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.scan().then(() => this.#schedule());
    }, this.#interval);
    this.#timer.unref();
  }

  async #scan(): Promise<void> {
    try {
      const names = (await readdir(this.dir, { withFileTypes: true })).filter((e) => e.isFile() && IMAGE_FILE.test(e.name)).map((e) => e.name).sort();
      const now = Date.now();
      const next = new Map<string, string>();
      for (const name of names) {
        if (this.#stopped) break;
        const file = path.join(this.dir, name);
        const st = await stat(file).catch(() => null);
        if (!st) continue;
        const sig = `${st.size}:${st.mtimeMs}`;
        if (this.#seen.get(name) !== sig || now - st.mtimeMs < SETTLE_MS) {
          next.set(name, sig);
          continue;
        }
        const outcome = await this.#onFile(file, name).catch((err: unknown): FileOutcome => {
          this.#onError(err);
          return 'rejected';
        });
        this.files++;
        await this.#dispose(file, name, outcome);
      }
      this.#seen = next;
      this.lastScanAt = now;
      this.lastError = null;
    } catch (err) {
      this.lastError = (err as Error).message;
      this.#onError(err);
    }
  }

  async #dispose(file: string, name: string, outcome: FileOutcome): Promise<void> {
    if (this.#after === 'delete' && outcome === 'done') {
      await unlink(file).catch(() => undefined);
      return;
    }
    const dir = path.join(this.dir, outcome);
    await mkdir(dir, { recursive: true });
    await rename(file, path.join(dir, name)).catch(() => unlink(file).catch(() => undefined));
  }
}
