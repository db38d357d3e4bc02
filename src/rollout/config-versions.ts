import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSecretFile } from '../security/index.js';
import { RolloutError, RolloutErrorCode } from './errors.js';

/** The config a node runs, as recorded in its data dir. */
export interface AppliedVersion {
  version: number;
  sha256: string;
  /** Null for an unsigned config (a node that does not enforce signatures). */
  keyId: string | null;
  signedAt: string | null;
  /** Epoch ms. */
  appliedAt: number;
  appliedBy: string;
  /** "file:<path>", "api", "startup". */
  source: string;
}

/** One line of the history: every attempt, applied or not. */
export interface VersionEvent extends Partial<AppliedVersion> {
  ts: number;
  outcome: 'applied' | 'rejected' | 'rolled-back';
  reason?: string;
}

/**
 * Keeps every config version a node accepted (`<dataDir>/config/versions/v<N>.yaml`,
 * exactly as received, signature included), which one runs (`applied.json`) and
 * the history of attempts (`history.jsonl`), so a node can restart on its last
 * good version and an auditor can see each change.
 */
export class ConfigVersions {
  readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'config');
  }

  async applied(): Promise<AppliedVersion | null> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'applied.json'), 'utf8')) as AppliedVersion;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new RolloutError(RolloutErrorCode.StoreFailed, `cannot read ${join(this.dir, 'applied.json')}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The stored text of a version, or null. */
  async text(version: number): Promise<string | null> {
    return readFile(join(this.dir, 'versions', `v${version}.yaml`), 'utf8').catch(() => null);
  }

  /** Writes the document of a version before it is switched to (stage). */
  async stage(version: number, text: string): Promise<void> {
    await this.#write(async () => {
      await mkdir(join(this.dir, 'versions'), { recursive: true });
      await writeSecretFile(join(this.dir, 'versions', `v${version}.yaml`), text);
    });
  }

  /** Records the switch: applied.json is replaced atomically. */
  async commit(v: AppliedVersion): Promise<void> {
    await this.#write(() => writeSecretFile(join(this.dir, 'applied.json'), `${JSON.stringify(v, null, 2)}\n`));
    await this.record({ ...v, ts: v.appliedAt, outcome: 'applied' });
  }

  async record(e: VersionEvent): Promise<void> {
    await this.#write(async () => {
      await mkdir(this.dir, { recursive: true });
      await appendFile(join(this.dir, 'history.jsonl'), `${JSON.stringify(e)}\n`, { mode: 0o600 });
    });
  }

  /** Newest first. */
  async history(limit = 50): Promise<VersionEvent[]> {
    const text = await readFile(join(this.dir, 'history.jsonl'), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .slice(-limit)
      .reverse()
      .map((l) => JSON.parse(l) as VersionEvent);
  }

  async #write(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      throw new RolloutError(RolloutErrorCode.StoreFailed, `cannot write the config versions in ${this.dir}: ${(err as Error).message}; check the data dir's free space and permissions`, { cause: err });
    }
  }
}
