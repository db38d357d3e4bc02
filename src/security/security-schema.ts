import { z } from 'zod';
import { duration } from '../config/primitives.js';

const role = z.enum(['viewer', 'operator', 'engineer', 'admin']);

export const oidcSchema = z
  .object({
    issuer: z.url().describe('The identity provider’s issuer URL; tokens must carry exactly this "iss".'),
    audience: z.string().min(1).describe('The client id / audience the tokens must be issued for ("aud").'),
    jwksUri: z.url().optional().describe('Where the signing keys are; found through the issuer’s discovery document when absent.'),
    roleClaim: z.string().min(1).default('groups').describe('Claim holding the user’s groups or roles (a string or a list).'),
    roles: z.record(z.string(), role).default({}).describe('Claim value → Fabrik role; the highest match wins.'),
    defaultRole: role.optional().describe('Role for a valid token with no mapped claim value; absent = refuse such tokens.'),
    clockTolerance: duration.prefault('30s'),
  })
  .strict();

/** `security:` in the site config. */
export const securitySchema = z
  .object({
    tls: z
      .enum(['auto', 'required', 'off'])
      .default('auto')
      .describe('auto: TLS when the node has certificates, plain text only on loopback; required: always TLS; off: plain text (lab only).'),
    clientAuth: z.enum(['none', 'optional', 'require']).default('none').describe('Client certificates on the HTTP API (require = mutual TLS); a verified site-CA certificate also lets a peer node into /fabric/v1 without a token.'),
    sessionTtl: duration.prefault('12h').describe('How long a login token lasts.'),
    login: z
      .object({
        maxFailures: z.number().int().positive().default(5),
        window: duration.prefault('15m'),
        lockout: duration.prefault('1m').describe('First lockout; doubles with each further one, up to an hour.'),
      })
      .strict()
      .prefault({}),
    oidc: oidcSchema.optional(),
  })
  .strict();

export type SecurityConfig = z.output<typeof securitySchema>;
export type OidcConfig = z.output<typeof oidcSchema>;
