import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecurityError } from './errors.js';
import { roleAtLeast } from './roles.js';
import { TokenStore } from './token-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fabrik-tokens-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TokenStore', () => {
  it('creates a token that verifies and persists only its hash', async () => {
    const store = await TokenStore.open(dir);
    const { token, id } = await store.create({ role: 'engineer', name: 'ci' });
    expect(token).toMatch(/^fbk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(store.verify(token)).toEqual({ id, role: 'engineer', name: 'ci' });
    const text = await readFile(store.file, 'utf8');
    expect(text).not.toContain(token.split('_').slice(2).join('_'));
    expect(JSON.parse(text).tokens[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'secrets'))).mode & 0o777).toBe(0o700);
  });

  it('rejects wrong secrets, unknown ids and garbage', async () => {
    const store = await TokenStore.open(dir);
    const { token } = await store.create({ role: 'viewer', name: 'v' });
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(store.verify(tampered)).toBeNull();
    expect(store.verify(`fbk_0000000000000000_${token.slice(-43)}`)).toBeNull();
    expect(store.verify('nonsense')).toBeNull();
    expect(store.verify('')).toBeNull();
  });

  it('reloads tokens from disk', async () => {
    const a = await TokenStore.open(dir);
    const { token, id } = await a.create({ role: 'admin', name: 'root' });
    const b = await TokenStore.open(dir);
    expect(b.verify(token)?.id).toBe(id);
  });

  it('revokes', async () => {
    const store = await TokenStore.open(dir);
    const { token, id } = await store.create({ role: 'viewer', name: 'v' });
    expect(await store.revoke(id)).toBe(true);
    expect(await store.revoke(id)).toBe(false);
    expect(store.verify(token)).toBeNull();
    expect((await TokenStore.open(dir)).verify(token)).toBeNull();
  });

  it('expires after its ttl', async () => {
    let now = 1_700_000_000_000;
    const store = await TokenStore.open(dir, { now: () => now });
    const { token } = await store.create({ role: 'viewer', name: 'short', ttlMs: 1000 });
    expect(store.verify(token)).not.toBeNull();
    now += 1000;
    expect(store.verify(token)).toBeNull();
  });

  it('lists without secrets or hashes and records last use', async () => {
    const store = await TokenStore.open(dir);
    const { token } = await store.create({ role: 'operator', name: 'op', ttlMs: 60_000 });
    store.verify(token);
    const [info] = store.list();
    expect(info).toMatchObject({ name: 'op', role: 'operator' });
    expect(info).not.toHaveProperty('hash');
    expect(info?.expiresAt).toBeDefined();
    expect(info?.lastUsedAt).toBeDefined();
    await store.close();
    expect(JSON.parse(await readFile(store.file, 'utf8')).tokens[0].lastUsedAt).toBe(info?.lastUsedAt);
  });

  it('refuses bad requests and corrupt files with coded errors', async () => {
    const store = await TokenStore.open(dir);
    await expect(store.create({ role: 'root' as never, name: 'x' })).rejects.toMatchObject({ code: 'TOKEN_REQUEST_INVALID' });
    await expect(store.create({ role: 'viewer', name: '' })).rejects.toBeInstanceOf(SecurityError);
    await store.create({ role: 'viewer', name: 'ok' });
    await writeFile(store.file, '{not json');
    await expect(TokenStore.open(dir)).rejects.toMatchObject({ code: 'TOKEN_STORE_CORRUPT' });
  });
});

describe('roleAtLeast', () => {
  it('orders viewer < operator < engineer < admin', () => {
    expect(roleAtLeast('admin', 'viewer')).toBe(true);
    expect(roleAtLeast('engineer', 'engineer')).toBe(true);
    expect(roleAtLeast('operator', 'engineer')).toBe(false);
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
  });
});
