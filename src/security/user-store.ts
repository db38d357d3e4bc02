import { join } from 'node:path';
import { SecurityError, SecurityErrorCode } from './errors.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { isRole, type Role } from './roles.js';
import { loadSecretRecords, saveSecretRecords, type SecretRecordsFile } from './secret-records.js';

/** A user as listed: never the hash. */
export interface UserInfo {
  name: string;
  role: Role;
  createdAt: string;
  passwordChangedAt: string;
  disabled: boolean;
}

interface UserRecord extends UserInfo {
  hash: string;
}

const USER_NAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

/**
 * Local users of a node with scrypt password hashes, in
 * `<dataDir>/secrets/users.json` (0600, written atomically). Logging in turns a
 * user into a short-lived session token; the password itself is used nowhere else.
 */
export class UserStore {
  readonly file: string;
  #users = new Map<string, UserRecord>();
  #writing: Promise<void> = Promise.resolve();

  private constructor(file: string) {
    this.file = file;
  }

  static async open(dataDir: string): Promise<UserStore> {
    const store = new UserStore(join(dataDir, 'secrets', 'users.json'));
    await store.#load();
    return store;
  }

  get size(): number {
    return this.#users.size;
  }

  async add(req: { name: string; role: Role; password: string }): Promise<UserInfo> {
    const name = req.name.toLowerCase();
    if (!USER_NAME.test(name)) throw invalid('a user name is 1 to 64 lower-case letters, digits or . _ @ -, starting with a letter or digit');
    if (!isRole(req.role)) throw invalid(`unknown role ${JSON.stringify(req.role)}; use viewer, operator, engineer or admin`);
    if (this.#users.has(name)) throw invalid(`user "${name}" exists; change its password with "fabrik user passwd ${name}"`);
    const problem = passwordProblem(req.password);
    if (problem) throw invalid(problem);
    const now = new Date().toISOString();
    const record: UserRecord = { name, role: req.role, createdAt: now, passwordChangedAt: now, disabled: false, hash: await hashPassword(req.password) };
    this.#users.set(name, record);
    await this.#persist();
    return toInfo(record);
  }

  async setPassword(name: string, password: string): Promise<void> {
    const record = this.#users.get(name.toLowerCase());
    if (!record) throw invalid(`no user "${name}"; add one with "fabrik user add"`);
    const problem = passwordProblem(password);
    if (problem) throw invalid(problem);
    record.hash = await hashPassword(password);
    record.passwordChangedAt = new Date().toISOString();
    await this.#persist();
  }

  async update(name: string, change: { role?: Role; disabled?: boolean }): Promise<UserInfo> {
    const record = this.#users.get(name.toLowerCase());
    if (!record) throw invalid(`no user "${name}"`);
    if (change.role !== undefined) {
      if (!isRole(change.role)) throw invalid(`unknown role ${JSON.stringify(change.role)}`);
      record.role = change.role;
    }
    if (change.disabled !== undefined) record.disabled = change.disabled;
    await this.#persist();
    return toInfo(record);
  }

  async remove(name: string): Promise<boolean> {
    if (!this.#users.delete(name.toLowerCase())) return false;
    await this.#persist();
    return true;
  }

  list(): UserInfo[] {
    return [...this.#users.values()].map(toInfo);
  }

  /**
   * The user when the password is right and the account enabled, else null.
   * Unknown names cost a full hash too, so timing does not reveal which names exist.
   */
  async verify(name: string, password: string): Promise<UserInfo | null> {
    const record = this.#users.get(String(name).toLowerCase());
    if (!record) {
      await verifyPassword(password, await decoyHash());
      return null;
    }
    const ok = await verifyPassword(password, record.hash);
    return ok && !record.disabled ? toInfo(record) : null;
  }

  async close(): Promise<void> {
    await this.#writing;
  }

  async #load(): Promise<void> {
    await loadSecretRecords(this.#records(), (record) => {
      const u = record as UserRecord;
      if (typeof u?.name !== 'string' || !USER_NAME.test(u.name) || !isRole(u.role) || typeof u.hash !== 'string') throw new Error(`bad user record ${JSON.stringify(u?.name)}`);
      this.#users.set(u.name, { ...u, disabled: u.disabled === true });
    });
  }

  #records(): SecretRecordsFile {
    return { file: this.file, key: 'users', what: 'user file', remedy: 'restore it from a backup' };
  }

  #persist(): Promise<void> {
    const write = () => saveSecretRecords(this.#records(), [...this.#users.values()]);
    const next = this.#writing.then(write, write);
    this.#writing = next.catch(() => {});
    return next;
  }
}

function toInfo(r: UserRecord): UserInfo {
  return { name: r.name, role: r.role, createdAt: r.createdAt, passwordChangedAt: r.passwordChangedAt, disabled: r.disabled };
}

function invalid(message: string): SecurityError {
  return new SecurityError(SecurityErrorCode.InvalidUserRequest, message);
}
