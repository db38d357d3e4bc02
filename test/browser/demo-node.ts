import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type NodeProcess } from '../cli-process.js';

/** `fabrik demo` in its own process, on a port that stays the same across restarts. */
export class DemoNode {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'fabrik-browser-'));
  #proc: NodeProcess | null = null;
  #port = 0;
  url = '';

  get adminToken(): string {
    return readFileSync(join(this.dataDir, 'line1', 'secrets', 'admin.token'), 'utf8').trim();
  }

  async start(): Promise<void> {
    this.#proc = await startCli(['demo', '--data-dir', this.dataDir, '--http-port', String(this.#port), '--seed', '11', '--log-level', 'warn'], { timeoutMs: 30_000 });
    this.url = this.#proc.url;
    this.#port = Number(new URL(this.url).port);
  }

  /** SIGTERM and wait for the exit. */
  async stop(): Promise<void> {
    const proc = this.#proc;
    this.#proc = null;
    if (!proc) return;
    proc.child.kill('SIGTERM');
    await proc.exited;
  }

  async api<T>(path: string, init: { token?: string; method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${init.token ?? this.adminToken}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async token(role: 'viewer' | 'operator' | 'engineer'): Promise<string> {
    const r = await this.api<{ token: string }>('/api/v1/tokens', { body: { role, name: `browser-${role}` } });
    if (r.status !== 201) throw new Error(`creating a ${role} token failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
