import { describe, expect, it } from 'vitest';
import { generateSigningKey, publicKeyFromPem } from '../security/index.js';
import { signModelStatement, verifyModelStatement } from './model-statement.js';
import type { DesiredModel } from './wire.js';

const model: DesiredModel = { name: 'demo-lathe', version: 3, sha256: 'a'.repeat(64), mode: 'shadow', bytes: 1000 };

describe('signed model statements', () => {
  const hubKey = generateSigningKey();
  const trusted = [publicKeyFromPem(hubKey.publicKeyPem, 'hub.pub')];

  it('accepts a model signed by a trusted hub key', () => {
    expect(() => verifyModelStatement({ ...model, signature: signModelStatement(model, hubKey.privateKeyPem) }, trusted)).not.toThrow();
  });

  it('refuses a signature for another artifact, version or name', () => {
    const signature = signModelStatement(model, hubKey.privateKeyPem);
    expect(() => verifyModelStatement({ ...model, sha256: 'b'.repeat(64), signature }, trusted)).toThrow(/signature is for another model/);
    expect(() => verifyModelStatement({ ...model, version: 4, signature }, trusted)).toThrow(/another model/);
    expect(() => verifyModelStatement({ ...model, name: 'other', signature }, trusted)).toThrow(/another model/);
  });

  it('refuses a key the site does not trust, and unsigned models where the site enforces signatures', () => {
    const stranger = generateSigningKey();
    expect(() => verifyModelStatement({ ...model, signature: signModelStatement(model, stranger.privateKeyPem) }, trusted)).toThrow(/does not trust/);
    expect(() => verifyModelStatement(model, trusted)).toThrow(/not signed, and this site enforces signatures/);
    expect(() => verifyModelStatement(model, [])).not.toThrow();
    expect(() => verifyModelStatement({ ...model, signature: 'nonsense' }, trusted)).toThrow(/not a signed envelope/);
  });
});
