import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.js';
import { UserStore } from './user-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fabrik-users-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FAST = { N: 1024, r: 8, p: 1 };

describe('passwords', () => {
  it('hashes with scrypt, a fresh salt each time, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery', FAST);
    const b = await hashPassword('correct horse battery', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$99999999$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
});

describe('UserStore', () => {
  it('adds users with hashed passwords in a 0600 file, verifies and disables them', async () => {
    const users = await UserStore.open(dir);
    await users.add({ name: 'Alice', role: 'engineer', password: 'a long enough secret' });
    expect(await users.verify('alice', 'a long enough secret')).toMatchObject({ name: 'alice', role: 'engineer' });
    expect(await users.verify('alice', 'wrong password!!')).toBeNull();
    expect(await users.verify('mallory', 'a long enough secret')).toBeNull();
    const text = await readFile(users.file, 'utf8');
    expect(text).not.toContain('a long enough secret');
    expect((await stat(users.file)).mode & 0o777).toBe(0o600);
    await users.update('alice', { disabled: true });
    expect(await users.verify('alice', 'a long enough secret')).toBeNull();
    const again = await UserStore.open(dir);
    expect(again.list()).toEqual([expect.objectContaining({ name: 'alice', disabled: true })]);
  });

  it('refuses short passwords, bad names, unknown roles and duplicates', async () => {
    const users = await UserStore.open(dir);
    await expect(users.add({ name: 'bob', role: 'viewer', password: 'short' })).rejects.toMatchObject({ code: 'USER_REQUEST_INVALID' });
    await expect(users.add({ name: 'Bad Name', role: 'viewer', password: 'long enough password' })).rejects.toMatchObject({ code: 'USER_REQUEST_INVALID' });
    await expect(users.add({ name: 'bob', role: 'root' as never, password: 'long enough password' })).rejects.toMatchObject({ code: 'USER_REQUEST_INVALID' });
    await users.add({ name: 'bob', role: 'viewer', password: 'long enough password' });
    await expect(users.add({ name: 'BOB', role: 'viewer', password: 'long enough password' })).rejects.toThrow(/exists/);
  });
});
