import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureAdminToken } from './admin-token.js';
import { TokenStore } from './token-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fabrik-admin-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ensureAdminToken', () => {
  it('creates a 0600 admin token on first start and reuses it later', async () => {
    const first = await ensureAdminToken(dir);
    expect(first.created).toBe(true);
    expect(first.path).toBe(join(dir, 'secrets', 'admin.token'));
    expect((await stat(first.path)).mode & 0o777).toBe(0o600);
    const store = await TokenStore.open(dir);
    expect(store.verify(first.token)?.role).toBe('admin');

    const second = await ensureAdminToken(dir, store);
    expect(second).toEqual({ ...first, created: false });
    expect(store.list()).toHaveLength(1);
  });

  it('issues a new one when the file is gone or its token was revoked', async () => {
    const store = await TokenStore.open(dir);
    const first = await ensureAdminToken(dir, store);
    await unlink(first.path);
    const second = await ensureAdminToken(dir, store);
    expect(second.created).toBe(true);
    await store.revoke(store.verify(second.token)!.id);
    const third = await ensureAdminToken(dir, store);
    expect(third.created).toBe(true);
    expect(store.verify(third.token)?.role).toBe('admin');
  });
});
