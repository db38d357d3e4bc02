import { z } from 'zod';
import { duration } from '../primitives.js';
import { deviceBase, tagBindingSchema } from '../tag-binding.js';

/** OPC UA NodeId in its string form: `ns=1;s=Line1.Filler.Temp`, `i=2258`, `nsu=urn:x;s=A`, `ns=2;g=<guid>`, `ns=2;b=<base64>`. */
export const OPCUA_NODE_ID = /^(?:(?:ns=\d{1,5}|nsu=[^;]+);)?(?:i=\d{1,10}|s=.+|g=[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|b=[A-Za-z0-9+/]+={0,2})$/s;

export const OPCUA_SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export const OPCUA_SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;

const nodeId = z.string().regex(OPCUA_NODE_ID, 'expected an OPC UA NodeId such as "ns=1;s=Line1.Filler.ProductTemp" or "ns=2;i=1001"');

const usernameIdentity = z
  .object({
    type: z.literal('username'),
    username: z.string().min(1),
    passwordFile: z.string().min(1).optional().describe('File holding the password (a mounted secret); trailing newline ignored.'),
    passwordEnv: z.string().min(1).optional().describe('Environment variable holding the password.'),
    password: z.string().optional().describe('Inline password: for tests and demos only; prefer passwordFile or passwordEnv.'),
  })
  .strict()
  .refine((u) => [u.passwordFile, u.passwordEnv, u.password].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of passwordFile, passwordEnv or password',
  });

export const opcuaIdentitySchema = z.union([
  z.object({ type: z.literal('anonymous') }).strict(),
  usernameIdentity,
  z
    .object({
      type: z.literal('certificate'),
      certificateFile: z.string().min(1).describe('PEM or DER user certificate.'),
      privateKeyFile: z.string().min(1).describe('PEM private key of the user certificate.'),
    })
    .strict(),
]);

export const opcuaOptionsSchema = z
  .object({
    endpoint: z
      .string()
      .regex(/^opc\.tcp:\/\/[^\s/:]+(?::\d{1,5})?(?:\/\S*)?$/, 'expected an endpoint URL like "opc.tcp://plc1:4840" or "opc.tcp://host:4840/path"'),
    securityMode: z.enum(OPCUA_SECURITY_MODES).default('None'),
    securityPolicy: z.enum(OPCUA_SECURITY_POLICIES).default('None'),
    identity: opcuaIdentitySchema.default({ type: 'anonymous' }),
    publishingInterval: duration.prefault(250).describe('How often the server sends notifications of the subscription.'),
    samplingInterval: duration.optional().describe('Default sampling interval of a monitored item; defaults to the device interval.'),
    queueSize: z.number().int().positive().max(10_000).default(10).describe('Default server-side queue per monitored item.'),
    requestTimeout: duration.prefault('10s'),
    keepAliveInterval: duration.prefault('5s').describe('Session keep-alive; a missed keep-alive starts reconnection.'),
    maxReconnectDelay: duration.prefault('10s').describe('Upper bound of the reconnection backoff.'),
    applicationName: z.string().min(1).default('Fabrik'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if ((o.securityMode === 'None') !== (o.securityPolicy === 'None')) {
      ctx.addIssue({
        code: 'custom',
        path: ['securityPolicy'],
        message: `securityMode "${o.securityMode}" needs ${o.securityMode === 'None' ? 'securityPolicy "None"' : 'a securityPolicy other than "None"'}`,
      });
    }
  });

export const opcuaDeadbandSchema = z
  .object({
    type: z.enum(['absolute', 'percent']).describe('percent needs the server to expose EURange on the variable.'),
    value: z.number().nonnegative(),
  })
  .strict()
  .refine((d) => d.type !== 'percent' || d.value <= 100, { message: 'a percent deadband is at most 100' });

export const opcuaTagBindingSchema = tagBindingSchema
  .extend({
    address: nodeId.describe('NodeId of the variable, e.g. "ns=1;s=Line1.Filler.ProductTemp".'),
    samplingInterval: duration.optional().describe('Server-side sampling interval of this item.'),
    queueSize: z.number().int().positive().max(10_000).optional(),
    opcDeadband: opcuaDeadbandSchema.optional().describe('Server-side data-change deadband (DataChangeFilter).'),
  })
  .strict();

export type OpcuaOptions = z.output<typeof opcuaOptionsSchema>;
export type OpcuaTagBinding = z.output<typeof opcuaTagBindingSchema>;

/** OPC UA devices: one server endpoint, one subscription, one monitored item per tag. */
export const opcuaDeviceSchema = z
  .object({
    ...deviceBase,
    protocol: z.literal('opcua'),
    options: opcuaOptionsSchema,
    tags: z.array(opcuaTagBindingSchema).default([]),
  })
  .strict();
