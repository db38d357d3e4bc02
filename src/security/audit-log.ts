import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { entryHash, GENESIS, headMessage, verifyAuditChain, type AuditEntry, type AuditHead, type AuditVerification } from './audit-chain.js';
import { SecurityError, SecurityErrorCode } from './errors.js';
import { ensureSecretDir, writeSecretFile } from './secret-file.js';

/** What a caller records; seq, ts, prev and hash are filled in. */
export interface AuditInput {
  actor: string;
  action: string;
  target?: string;
  outcome?: AuditEntry['outcome'];
  details?: Record<string, unknown>;
  ts?: number;
}

/** Filter of `AuditLog.list`; times are epoch ms. */
export interface AuditFilter {
  from?: number;
  to?: number;
  actor?: string;
  action?: string;
  limit?: number;
}

/** Where a node's audit log lives. */
export function auditPaths(dataDir: string): { dir: string; log: string; head: string; publicKey: string; privateKey: string } {
  const dir = join(dataDir, 'audit');
  return { dir, log: join(dir, 'audit.jsonl'), head: join(dir, 'audit.head'), publicKey: join(dir, 'audit-signing.pub'), privateKey: join(dataDir, 'secrets', 'audit-signing.key') };
}

/**
 * The node's append-only, hash-chained audit log: one JSON entry per line in
 * `<dataDir>/audit/audit.jsonl`, each carrying the hash of the one before, and
 * a head anchor (`audit.head`) signed with the node's Ed25519 audit key so that
 * cutting entries off the end is detected too. Appends are serialised and
 * synced to disk before they resolve.
 */
export class AuditLog {
  readonly paths: ReturnType<typeof auditPaths>;
  #handle: FileHandle;
  #key: KeyObject;
  #seq: number;
  #last: string;
  #queue: Promise<unknown> = Promise.resolve();
  #listeners = new Set<(e: AuditEntry) => void>();
  #closed = false;

  private constructor(paths: ReturnType<typeof auditPaths>, handle: FileHandle, key: KeyObject, seq: number, last: string) {
    this.paths = paths;
    this.#handle = handle;
    this.#key = key;
    this.#seq = seq;
    this.#last = last;
  }

  /**
   * Opens (or starts) the log of a data folder. A torn last line from a crash is
   * cut off and a valid tail beyond the anchored head is re-anchored — each
   * recorded as an entry of its own, so recovery is visible to an auditor.
   */
  static async open(dataDir: string): Promise<AuditLog> {
    const paths = auditPaths(dataDir);
    try {
      await ensureSecretDir(paths.dir);
      const key = await loadOrCreateKey(paths);
      let text = '';
      try {
        text = await readFile(paths.log, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const notes: AuditInput[] = [];
      if (text.length > 0 && !text.endsWith('\n')) {
        const cut = text.lastIndexOf('\n') + 1;
        notes.push({ actor: 'system', action: 'audit.recovered', outcome: 'ok', details: { droppedBytes: text.length - cut, reason: 'torn last line after a crash' } });
        text = text.slice(0, cut);
        await truncate(paths.log, cut);
      }
      const head = await readHead(paths.head);
      const check = verifyAuditChain(text, head, createPublicKey(key));
      if (head && check.lastSeq > head.seq && check.problems.length === 1) {
        notes.push({ actor: 'system', action: 'audit.reanchored', outcome: 'ok', details: { anchoredSeq: head.seq, lastSeq: check.lastSeq, reason: 'entries written after the last anchor (crash between append and anchor)' } });
      } else if (!head && check.entries > 0) {
        notes.push({ actor: 'system', action: 'audit.reanchored', outcome: 'failed', details: { lastSeq: check.lastSeq, reason: 'the head anchor was missing' } });
      }
      const handle = await open(paths.log, 'a', 0o600);
      const log = new AuditLog(paths, handle, key, check.lastSeq, check.entries === 0 ? GENESIS : check.lastHash);
      for (const n of notes) await log.append(n);
      return log;
    } catch (err) {
      if (err instanceof SecurityError) throw err;
      throw new SecurityError(SecurityErrorCode.AuditWriteFailed, `cannot open the audit log in ${paths.dir}: ${(err as Error).message}; check the data dir's permissions and free space`, { cause: err });
    }
  }

  get lastSeq(): number {
    return this.#seq;
  }

  /** Appends one entry; resolves once it is on disk and anchored. */
  append(input: AuditInput): Promise<AuditEntry> {
    const run = async (): Promise<AuditEntry> => {
      if (this.#closed) throw new SecurityError(SecurityErrorCode.AuditWriteFailed, 'the audit log is closed');
      const body: Omit<AuditEntry, 'hash'> = {
        seq: this.#seq + 1,
        ts: input.ts ?? Date.now(),
        actor: input.actor,
        action: input.action,
        ...(input.target !== undefined ? { target: input.target } : {}),
        outcome: input.outcome ?? 'ok',
        ...(input.details !== undefined ? { details: input.details } : {}),
        prev: this.#last,
      };
      const entry: AuditEntry = { ...body, hash: entryHash(body) };
      try {
        await this.#handle.write(`${JSON.stringify(entry)}\n`);
        await this.#handle.datasync();
      } catch (err) {
        throw new SecurityError(SecurityErrorCode.AuditWriteFailed, `cannot append to ${this.paths.log}: ${(err as Error).message}`, { cause: err });
      }
      this.#seq = entry.seq;
      this.#last = entry.hash;
      await this.#anchor();
      for (const l of this.#listeners) l(entry);
      return entry;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Entries newest first. */
  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    await this.#queue;
    const text = await readFile(this.paths.log, 'utf8').catch(() => '');
    const out: AuditEntry[] = [];
    const limit = filter.limit ?? 1000;
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
      const raw = lines[i];
      if (!raw) continue;
      let e: AuditEntry;
      try {
        e = JSON.parse(raw) as AuditEntry;
      } catch {
        continue;
      }
      if (filter.from !== undefined && e.ts < filter.from) continue;
      if (filter.to !== undefined && e.ts > filter.to) continue;
      if (filter.actor && e.actor !== filter.actor) continue;
      if (filter.action && !(e.action === filter.action || e.action.startsWith(`${filter.action}.`))) continue;
      out.push(e);
    }
    return out;
  }

  /** Checks the whole chain and the head as `fabrik audit verify` does. */
  async verify(): Promise<AuditVerification> {
    await this.#queue;
    return verifyAuditFiles(this.paths);
  }

  /** Called after every append (e.g. to stream entries to admins). */
  onAppend(listener: (e: AuditEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.#queue;
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }

  async #anchor(): Promise<void> {
    const head: AuditHead = { seq: this.#seq, hash: this.#last, ts: Date.now(), sig: sign(null, headMessage(this.#seq, this.#last), this.#key).toString('base64') };
    await writeSecretFile(this.paths.head, `${JSON.stringify(head)}\n`);
  }
}

/** Verifies a node's audit files without opening the log for writing (for `fabrik audit verify`). */
export async function verifyAuditFiles(paths: ReturnType<typeof auditPaths>, publicKeyPem?: string): Promise<AuditVerification> {
  const text = await readFile(paths.log, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const head = await readHead(paths.head);
  const pem = publicKeyPem ?? (await readFile(paths.publicKey, 'utf8').catch(() => null));
  return verifyAuditChain(text, head, pem);
}

async function readHead(path: string): Promise<AuditHead | null> {
  try {
    const h = JSON.parse(await readFile(path, 'utf8')) as AuditHead;
    return typeof h.seq === 'number' && typeof h.hash === 'string' && typeof h.sig === 'string' ? h : null;
  } catch {
    return null;
  }
}

async function loadOrCreateKey(paths: ReturnType<typeof auditPaths>): Promise<KeyObject> {
  try {
    return createPrivateKey(await readFile(paths.privateKey, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SecurityError(SecurityErrorCode.KeyInvalid, `cannot read the audit key ${paths.privateKey}: ${(err as Error).message}`, { cause: err });
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  await writeSecretFile(paths.privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  await writeSecretFile(paths.publicKey, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return privateKey;
}
