import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { SecurityError, SecurityErrorCode } from './errors.js';
import { isRole, type Role } from './roles.js';
import { loadSecretRecords, saveSecretRecords, type SecretRecordsFile } from './secret-records.js';

/** What a token is known by; never includes the secret or its hash. */
export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  /** ISO times. */
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
  /** API areas the token is limited to (see `scopeAllows`); absent = every area its role allows. */
  scopes?: string[];
  /** "session" for tokens minted by a login; absent for API tokens. */
  kind?: 'session';
}

/** Who presented a valid token. */
export interface TokenIdentity {
  id: string;
  role: Role;
  name: string;
  scopes?: string[];
  kind?: 'session' | 'oidc';
  /** Epoch ms. */
  expiresAt?: number;
}

interface TokenRecord extends TokenInfo {
  /** Hex SHA-256 of the secret part. */
  hash: string;
}

const PREFIX = 'fbk_';
const ID = /^[0-9a-f]{16}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const NAME = /^[\p{L}\p{N} ._:@()-]{1,64}$/u;
/** lastUsedAt is bookkeeping, not security: persisting it at most this often keeps verify() off the disk. */
const LAST_USED_FLUSH_MS = 60_000;

/**
 * A plain SHA-256 is the right hash here, unlike for passwords: the secret is
 * 256 bits from the CSPRNG, so there is nothing to guess and a slow KDF
 * (bcrypt, scrypt) would only add latency to every request.
 */
function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Splits `fbk_<id>_<secret>`; the id is hex, so the first "_" after it ends it even though base64url secrets may contain "_". */
function parseToken(token: string): { id: string; secret: string } | null {
  if (!token.startsWith(PREFIX)) return null;
  const rest = token.slice(PREFIX.length);
  const cut = rest.indexOf('_');
  if (cut < 0) return null;
  const id = rest.slice(0, cut);
  const secret = rest.slice(cut + 1);
  return ID.test(id) && SECRET.test(secret) ? { id, secret } : null;
}

/**
 * API tokens of one node, kept in memory and persisted to
 * `<dataDir>/secrets/tokens.json` (0600 in a 0700 folder, written atomically).
 * Tokens look like `fbk_<id>_<secret>`: lookup is by id, the secret is compared
 * by hash in constant time, and only the hash is stored.
 */
export class TokenStore {
  readonly file: string;
  #records = new Map<string, TokenRecord>();
  #writing: Promise<void> = Promise.resolve();
  #flushTimer: NodeJS.Timeout | undefined;
  #now: () => number;

  private constructor(file: string, now: () => number) {
    this.file = file;
    this.#now = now;
  }

  /** Opens (or starts) the store of a data folder. `now` is for tests. */
  static async open(dataDir: string, options: { now?: () => number } = {}): Promise<TokenStore> {
    const store = new TokenStore(join(dataDir, 'secrets', 'tokens.json'), options.now ?? Date.now);
    await store.#load();
    return store;
  }

  /** Issues a token; the returned `token` is the only time the secret is seen. */
  async create(req: { role: Role; name: string; ttlMs?: number; scopes?: string[]; kind?: 'session' }): Promise<{ token: string; id: string; info: TokenInfo }> {
    if (!isRole(req.role)) {
      throw new SecurityError(SecurityErrorCode.InvalidTokenRequest, `unknown role ${JSON.stringify(req.role)}; use viewer, operator, engineer or admin`);
    }
    if (!NAME.test(req.name)) {
      throw new SecurityError(SecurityErrorCode.InvalidTokenRequest, 'token name must be 1 to 64 letters, digits, spaces or . _ : @ ( ) -');
    }
    if (req.ttlMs !== undefined && !(Number.isFinite(req.ttlMs) && req.ttlMs > 0)) {
      throw new SecurityError(SecurityErrorCode.InvalidTokenRequest, `token ttl must be a positive number of milliseconds, got ${req.ttlMs}`);
    }
    const badScope = req.scopes?.find((s) => !isScope(s));
    if (badScope !== undefined || (req.scopes && req.scopes.length === 0)) {
      throw new SecurityError(SecurityErrorCode.InvalidTokenRequest, `token scopes must be API areas like "query", "tags" or "alarms:read", got ${JSON.stringify(badScope ?? [])}`);
    }
    let id = randomBytes(8).toString('hex');
    while (this.#records.has(id)) id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const now = this.#now();
    const record: TokenRecord = {
      id,
      name: req.name,
      role: req.role,
      hash: hashSecret(secret).toString('hex'),
      createdAt: new Date(now).toISOString(),
      ...(req.ttlMs !== undefined ? { expiresAt: new Date(now + req.ttlMs).toISOString() } : {}),
      ...(req.scopes ? { scopes: [...new Set(req.scopes)] } : {}),
      ...(req.kind ? { kind: req.kind } : {}),
    };
    this.#records.set(id, record);
    await this.#persist();
    return { token: `${PREFIX}${id}_${secret}`, id, info: toInfo(record) };
  }

  /** The identity behind a token, or null when it is malformed, unknown, revoked or expired. */
  verify(token: string): TokenIdentity | null {
    const parsed = parseToken(token.trim());
    if (!parsed) return null;
    const record = this.#records.get(parsed.id);
    if (!record) return null;
    const expected = Buffer.from(record.hash, 'hex');
    const actual = hashSecret(parsed.secret);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    const now = this.#now();
    if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now) return null;
    record.lastUsedAt = new Date(now).toISOString();
    this.#scheduleFlush();
    return {
      id: record.id,
      role: record.role,
      name: record.name,
      ...(record.scopes ? { scopes: record.scopes } : {}),
      ...(record.kind ? { kind: record.kind } : {}),
      ...(record.expiresAt !== undefined ? { expiresAt: Date.parse(record.expiresAt) } : {}),
    };
  }

  /** Removes expired session tokens (logins), so tokens.json does not grow with every shift. */
  async pruneExpiredSessions(): Promise<number> {
    const now = this.#now();
    let n = 0;
    for (const [id, r] of this.#records) {
      if (r.kind === 'session' && r.expiresAt !== undefined && Date.parse(r.expiresAt) <= now) {
        this.#records.delete(id);
        n++;
      }
    }
    if (n > 0) await this.#persist();
    return n;
  }

  /** Removes a token; false when there was none with that id. */
  async revoke(id: string): Promise<boolean> {
    if (!this.#records.delete(id)) return false;
    await this.#persist();
    return true;
  }

  /** Every token, without secrets or hashes, oldest first. */
  list(): TokenInfo[] {
    return [...this.#records.values()].map(toInfo);
  }

  /** Writes pending bookkeeping (lastUsedAt) now. */
  async flush(): Promise<void> {
    if (this.#flushTimer) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    }
    await this.#persist();
  }

  /** Flushes and stops the background timer. */
  async close(): Promise<void> {
    if (this.#flushTimer) await this.flush();
    await this.#writing;
  }

  #scheduleFlush(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#persist().catch(() => {
        // Retried on the next use; losing lastUsedAt is harmless.
      });
    }, LAST_USED_FLUSH_MS);
    this.#flushTimer.unref();
  }

  async #load(): Promise<void> {
    await loadSecretRecords(this.#recordsFile(), (record) => {
      const r = record as TokenRecord;
      if (typeof r?.id !== 'string' || !ID.test(r.id) || !isRole(r.role) || typeof r.hash !== 'string' || r.hash.length !== 64) {
        throw new Error(`bad token record ${JSON.stringify(r?.id)}`);
      }
      this.#records.set(r.id, r);
    });
  }

  #recordsFile(): SecretRecordsFile {
    return { file: this.file, key: 'tokens', what: 'token file', remedy: 'restore it from a backup or delete it to start with no tokens' };
  }

  /** Writes are chained so two concurrent changes never race on the temp file or reorder. */
  #persist(): Promise<void> {
    const write = () => saveSecretRecords(this.#recordsFile(), [...this.#records.values()]);
    const next = this.#writing.then(write, write);
    this.#writing = next.catch(() => {});
    return next;
  }
}

const SCOPE = /^[a-z][a-z0-9-]{0,31}(:read)?$/;

/** True for a well-formed scope: an API area ("query", "alarms") optionally limited to reads ("alarms:read"). */
export function isScope(value: unknown): value is string {
  return typeof value === 'string' && SCOPE.test(value);
}

/**
 * Whether a token limited to `scopes` may call a route of API `area` with
 * `method`. No scopes means no limit beyond the role.
 */
export function scopeAllows(scopes: readonly string[] | undefined, area: string, method: string): boolean {
  if (!scopes) return true;
  const read = method === 'GET' || method === 'HEAD';
  return scopes.some((s) => s === area || (read && s === `${area}:read`));
}

function toInfo(r: TokenRecord): TokenInfo {
  const { hash: _hash, ...info } = r;
  return { ...info };
}
