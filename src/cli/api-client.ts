import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Token for talking to a node: --token, FABRIK_TOKEN, or the admin token in the data dir. */
export function resolveToken(token: string | undefined, dataDir: string | undefined): string {
  if (token) return token.trim();
  // Without a data dir, look where `fabrik demo` and `fabrik node` keep theirs by default.
  const files = (dataDir ? [dataDir] : ['data/demo', 'data']).map((d) => join(d, 'secrets', 'admin.token'));
  for (const file of files) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      // try the next one
    }
  }
  throw new Error(`no API token: pass --token or set FABRIK_TOKEN (or --data-dir of a node whose secrets/admin.token is readable; looked in ${files.join(', ')})`);
}

/** Calls the node's API and returns the parsed body, or throws with the node's error message. */
export async function callApi(url: string, token: string, path: string, init: { method?: string; body?: unknown; accept?: string } = {}): Promise<{ status: number; body: unknown; text: string }> {
  let res: Response;
  try {
    res = await fetch(new URL(path, url), {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.accept ? { accept: init.accept } : {}),
      },
      body: init.body === undefined ? null : JSON.stringify(init.body),
    });
  } catch (err) {
    throw new Error(`cannot reach the node at ${url} (${(err as Error).cause ? String((err as { cause: unknown }).cause) : (err as Error).message}); is it running? (--url / FABRIK_URL)`);
  }
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text) as unknown;
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string } })?.error;
    throw new Error(e ? `${e.code}: ${e.message}` : `HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
  return { status: res.status, body, text };
}
