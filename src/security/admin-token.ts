import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SecurityError, SecurityErrorCode } from './errors.js';
import { writeSecretFile } from './secret-file.js';
import { TokenStore } from './token-store.js';

/** Result of `ensureAdminToken`. */
export interface AdminToken {
  /** `<dataDir>/secrets/admin.token`. */
  path: string;
  /** True when a new token was issued by this call. */
  created: boolean;
  token: string;
}

/**
 * Makes sure the node has a working admin token in `<dataDir>/secrets/admin.token`
 * (0600): reuses the one there while it still verifies, otherwise issues a new
 * one (first start, or the file was deleted or its token revoked). Pass the
 * node's `store` so both see the same tokens; without it one is opened.
 */
export async function ensureAdminToken(dataDir: string, store?: TokenStore): Promise<AdminToken> {
  const tokens = store ?? (await TokenStore.open(dataDir));
  const path = join(dataDir, 'secrets', 'admin.token');
  let existing: string | undefined;
  try {
    existing = (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SecurityError(SecurityErrorCode.StoreCorrupt, `cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (existing && tokens.verify(existing)?.role === 'admin') {
    if (!store) await tokens.close();
    return { path, created: false, token: existing };
  }
  const { token } = await tokens.create({ role: 'admin', name: 'admin (bootstrap)' });
  try {
    await writeSecretFile(path, `${token}\n`);
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.StoreWriteFailed, `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!store) await tokens.close();
  return { path, created: true, token };
}
