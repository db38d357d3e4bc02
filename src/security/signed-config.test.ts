import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKey, isSignedConfigText, loadTrustedKeys, parseSignedConfig, publicKeyFromPem, signConfig, verifySignedConfig } from './signed-config.js';

const DOC = 'site: { id: plant1, name: Plant 1, enterprise: acme }\n';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fabrik-sign-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('signed config', () => {
  it('signs and verifies with a trusted Ed25519 key', async () => {
    const k = generateSigningKey();
    await mkdir(join(dir, 'trust'));
    await writeFile(join(dir, 'trust', 'release.pub'), k.publicKeyPem);
    const text = signConfig(DOC, { privateKeyPem: k.privateKeyPem, version: 3 });
    expect(isSignedConfigText(text)).toBe(true);
    expect(isSignedConfigText(DOC)).toBe(false);
    const signed = parseSignedConfig(text);
    expect(signed).toMatchObject({ version: 3, keyId: k.keyId, document: DOC });
    const trusted = await loadTrustedKeys(join(dir, 'trust'));
    expect(verifySignedConfig(signed, trusted).keyId).toBe(k.keyId);
  });

  it('refuses a config signed by an untrusted key', () => {
    const trusted = generateSigningKey();
    const stranger = generateSigningKey();
    const signed = parseSignedConfig(signConfig(DOC, { privateKeyPem: stranger.privateKeyPem, version: 1 }));
    const keys = [publicKeyFromPem(trusted.publicKeyPem, 't')];
    expect(() => verifySignedConfig(signed, keys)).toThrow(/does not trust/);
    // A stranger claiming the trusted key id still fails on the signature.
    expect(() => verifySignedConfig({ ...signed, keyId: trusted.keyId }, keys)).toThrow(/does not verify/);
  });

  it('refuses a tampered document, version or envelope', async () => {
    const k = generateSigningKey();
    await mkdir(join(dir, 'trust'));
    await writeFile(join(dir, 'trust', 'k.pub'), k.publicKeyPem);
    const trusted = await loadTrustedKeys(join(dir, 'trust'));
    const text = signConfig(DOC, { privateKeyPem: k.privateKeyPem, version: 5 });
    const tamperedDoc = parseSignedConfig(text.replace('Plant 1', 'Plant X'));
    expect(() => verifySignedConfig(tamperedDoc, trusted)).toThrow(/changed after signing/);
    const bumped = parseSignedConfig(text.replace('version: 5', 'version: 6'));
    expect(() => verifySignedConfig(bumped, trusted)).toThrow(/does not verify/);
    expect(() => parseSignedConfig(text.replace('format: fabrik-signed-config/1', 'format: other'))).toThrow(/envelope is invalid/);
    expect(() => parseSignedConfig('::: not yaml')).toThrow(/SIGNED|invalid|YAML/);
  });
});
