import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** A running file watch; `close()` stops it. */
export interface ConfigWatch {
  close(): void;
  /** Resolves after the current check (for tests and shutdown). */
  settled(): Promise<void>;
}

/**
 * Watches a mounted config file (a Kubernetes ConfigMap volume, a git checkout)
 * and calls `onChange` with its text whenever its content changes. Polls the
 * content rather than relying on inotify: a ConfigMap update swaps a symlink
 * (`..data`) that file watchers on the file itself never see.
 */
export function watchConfigFile(path: string, opts: { intervalMs?: number; initialSha256?: string; onChange(text: string): Promise<void>; onError(err: unknown): void }): ConfigWatch {
  let last = opts.initialSha256;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  const check = async (): Promise<void> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      // A ConfigMap being swapped can be missing for an instant; the next poll sees it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') opts.onError(err);
      return;
    }
    const sha = createHash('sha256').update(text).digest('hex');
    if (sha === last || closed) return;
    last = sha;
    try {
      await opts.onChange(text);
    } catch (err) {
      opts.onError(err);
    }
  };
  const timer = setInterval(() => {
    running = running.then(check);
  }, opts.intervalMs ?? 5000);
  timer.unref();
  running = running.then(check);
  return {
    close() {
      closed = true;
      clearInterval(timer);
    },
    settled: () => running,
  };
}
