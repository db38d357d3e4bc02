import { z } from 'zod';
import { parseDuration } from '../core/index.js';

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a positive duration; write e.g. "5s" or a number of ms` });
    return z.NEVER;
  }
  return ms;
});

/** An http(s) URL without credentials in it (put secrets in `headers`, which are never logged). */
export const webhookUrl = z.string().superRefine((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a URL; write e.g. "https://hooks.example.com/fabrik"` });
    return;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `webhook URLs must be http or https, got ${u.protocol}` });
  if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'put credentials in `headers` (e.g. authorization), not in the URL, which shows up in logs' });
});

export const webhookSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i).optional().describe('Name in logs and metrics; the host when unset.'),
    url: webhookUrl,
    kinds: z
      .array(z.string().regex(/^[a-z0-9_.-]+\*?$/i, 'an event kind like "alarm.active", or a prefix ending in "*" like "spc.*"'))
      .min(1)
      .default(['spc.violation', 'alarm.active'])
      .describe('Event kinds posted; "spc.*" matches every kind starting with "spc.".'),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).default({}),
    timeout: duration.prefault('5s'),
    retries: z.number().int().min(0).max(20).default(6).describe('Attempts after the first, with exponential backoff (0.5 s, 1 s, 2 s… up to 30 s).'),
    maxQueue: z.number().int().positive().default(1000).describe('Events waiting to be posted; beyond it the oldest are dropped and counted.'),
  })
  .strict();

/** The site config's `notify` section. */
export const notifyConfigSchema = z
  .object({
    webhooks: z.array(webhookSchema).default([]),
  })
  .strict();

export type WebhookConfig = z.output<typeof webhookSchema>;
export type NotifyConfig = z.output<typeof notifyConfigSchema>;
