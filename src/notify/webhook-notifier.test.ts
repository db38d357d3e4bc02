import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvent } from '../core/index.js';
import { webhookSchema } from './notify-config.js';
import { WebhookNotifier } from './webhook-notifier.js';

/** A real HTTP receiver answering with the statuses given, in order (200 after that). */
async function receiver(statuses: number[]): Promise<{ url: string; bodies: Record<string, unknown>[]; headers: Record<string, string | string[] | undefined>[]; server: Server }> {
  const bodies: Record<string, unknown>[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      headers.push(req.headers);
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, headers, server };
}

const event = (kind: string) => createEvent({ kind, assetPath: 'acme/p1/line1', severity: 'medium', message: kind, payload: { n: 1 } });
let servers: Server[] = [];
afterEach(() => {
  for (const s of servers) s.close();
  servers = [];
});

describe('webhook notifier', () => {
  it('posts matching events as JSON in order, with the configured headers', async () => {
    const r = await receiver([]);
    servers.push(r.server);
    const hook = new WebhookNotifier(webhookSchema.parse({ url: r.url, kinds: ['spc.*', 'alarm.active'], headers: { authorization: 'Bearer s3cret' } }));
    for (const k of ['spc.violation', 'alarm.returned', 'alarm.active', 'spc.limits.changed']) hook.offer(event(k));
    await hook.flush();
    expect(r.bodies.map((b) => b['kind'])).toEqual(['spc.violation', 'alarm.active', 'spc.limits.changed']);
    expect(r.headers[0]!['authorization']).toBe('Bearer s3cret');
    expect(typeof r.bodies[0]!['ts']).toBe('string');
    expect(hook.stats).toMatchObject({ sent: 3, failed: 0, retries: 0, queued: 0 });
  });

  it('retries 5xx and 429 with backoff, gives up a 4xx at once', async () => {
    const r = await receiver([503, 429, 200, 400]);
    servers.push(r.server);
    const delays: number[] = [];
    const hook = new WebhookNotifier(webhookSchema.parse({ url: r.url, kinds: ['x'] }), { backoff: (a) => (delays.push(a), 5) });
    hook.offer(event('x'));
    hook.offer(event('x'));
    await hook.flush();
    expect(r.bodies).toHaveLength(4);
    expect(delays).toEqual([0, 1]);
    expect(hook.stats).toMatchObject({ sent: 1, failed: 1, retries: 2, lastError: 'HTTP 400' });
  });

  it('gives up after the configured retries when the receiver is gone, and bounds its queue', async () => {
    const r = await receiver([]);
    r.server.close();
    const errors: string[] = [];
    const hook = new WebhookNotifier(webhookSchema.parse({ url: r.url, kinds: ['x'], retries: 1, maxQueue: 2 }), { backoff: () => 1, onError: (m) => errors.push(m) });
    for (let i = 0; i < 4; i++) hook.offer(event('x'));
    await hook.flush();
    expect(hook.stats.dropped).toBe(1);
    expect(hook.stats.failed).toBe(3);
    expect(errors[0]).toMatch(/after 2 attempts/);
  });

  it('accepts only http(s) URLs without credentials in them', () => {
    const bad = (url: string) => webhookSchema.safeParse({ url }).error?.issues[0]?.message;
    expect(bad('ftp://example.com/x')).toMatch(/http or https/);
    expect(bad('https://user:pw@example.com/x')).toMatch(/credentials/);
    expect(bad('not a url')).toMatch(/is not a URL/);
    expect(bad('https://hooks.example.com/fabrik')).toBeUndefined();
  });
});
