import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Creates (or tightens) a folder only the node's user can enter. */
export async function ensureSecretDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and ignored for an existing folder.
  await chmod(dir, 0o700);
}

/**
 * Writes a file readable only by its owner, atomically: a crash leaves either
 * the old or the new content, never half a file of secrets.
 */
export async function writeSecretFile(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await ensureSecretDir(dir);
  const tmp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
