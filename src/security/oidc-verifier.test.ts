import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcVerifier, looksLikeJwt } from './oidc-verifier.js';
import { oidcSchema } from './security-schema.js';

// A real identity provider stand-in: discovery + JWKS served over HTTP by the test.
let server: Server;
let issuer: string;
let signKey: CryptoKeyLike;
let rogueKey: CryptoKeyLike;
type CryptoKeyLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

beforeAll(async () => {
  const kp = await generateKeyPair('ES256');
  signKey = kp.privateKey;
  rogueKey = (await generateKeyPair('ES256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(kp.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    if (req.url === '/jwks') return res.end(JSON.stringify({ keys: [jwk] }));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function token(claims: Record<string, unknown>, opts: { key?: CryptoKeyLike; exp?: string | number; aud?: string; iss?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(opts.iss ?? issuer)
    .setAudience(opts.aud ?? 'fabrik')
    .setSubject('u-42')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(opts.key ?? signKey);
}

function verifier(extra: Record<string, unknown> = {}): OidcVerifier {
  return new OidcVerifier(oidcSchema.parse({ issuer, audience: 'fabrik', roles: { 'plant-engineers': 'engineer', 'plant-admins': 'admin', office: 'viewer' }, ...extra }));
}

describe('OIDC', () => {
  it('verifies a token against the discovered JWKS and maps the highest group to a role', async () => {
    const id = await verifier().verify(await token({ preferred_username: 'jane', groups: ['office', 'plant-engineers'] }));
    expect(id).toMatchObject({ id: 'oidc:u-42', name: 'jane', role: 'engineer', kind: 'oidc' });
    expect(id.expiresAt).toBeGreaterThan(Date.now());
    expect(looksLikeJwt(await token({}))).toBe(true);
    expect(looksLikeJwt('fbk_0123456789abcdef_x')).toBe(false);
  });

  it('refuses wrong signatures, issuers, audiences, expired tokens and unmapped users', async () => {
    const v = verifier();
    await expect(v.verify(await token({ groups: ['office'] }, { key: rogueKey }))).rejects.toMatchObject({ code: 'OIDC_TOKEN_INVALID' });
    await expect(v.verify(await token({ groups: ['office'] }, { iss: 'https://evil.example' }))).rejects.toThrow(/iss/);
    await expect(v.verify(await token({ groups: ['office'] }, { aud: 'other-app' }))).rejects.toThrow(/aud/);
    await expect(v.verify(await token({ groups: ['office'] }, { exp: Math.floor(Date.now() / 1000) - 3600 }))).rejects.toThrow(/expired/);
    await expect(v.verify(await token({ groups: ['visitors'] }))).rejects.toThrow(/no groups value mapped/);
    expect((await verifier({ defaultRole: 'viewer' }).verify(await token({ groups: ['visitors'] }))).role).toBe('viewer');
  });
});
