import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

/** Token for talking to a node: --token, FABRIK_TOKEN, or the admin token in the data dir. */
export function resolveToken(token: string | undefined, dataDir: string | undefined): string {
  if (token) return token.trim();
  // Without a data dir, look where `fabrik demo` and `fabrik node` keep theirs by default.
  const files = (dataDir ? [dataDir] : ['data/demo/line1', 'data/demo', 'data']).map((d) => join(d, 'secrets', 'admin.token'));
  for (const file of files) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      // try the next one
    }
  }
  throw new Error(`no API token: pass --token or set FABRIK_TOKEN (or --data-dir of a node whose secrets/admin.token is readable; looked in ${files.join(', ')})`);
}

/**
 * The CA to trust for an https:// node: FABRIK_CA (a PEM file), else the site CA
 * that `fabrik init` left in the data dir, else the system roots.
 */
export function resolveCa(dataDir: string | undefined): string | undefined {
  const file = process.env['FABRIK_CA'] ?? (dataDir ? [join(dataDir, 'pki', 'ca.crt')] : ['data/demo/line1/pki/ca.crt', 'data/demo/pki/ca.crt', 'data/pki/ca.crt']).find((f) => existsSync(f));
  return file ? readFileSync(file, 'utf8') : undefined;
}

interface Answer {
  status: number;
  type: string;
  text: string;
}

function httpsCall(url: URL, init: { method: string; headers: Record<string, string>; body: string | null; ca?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers, ...(init.ca ? { ca: init.ca } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text }));
    });
    req.on('error', reject);
    req.end(init.body ?? undefined);
  });
}

/** Calls the node's API (http or https) and returns the parsed body, or throws with the node's error message. */
export async function callApi(
  url: string,
  token: string,
  path: string,
  init: { method?: string; body?: unknown; rawBody?: string; accept?: string; ca?: string } = {},
): Promise<{ status: number; body: unknown; text: string }> {
  const target = new URL(path, url);
  const body = init.rawBody ?? (init.body === undefined ? null : JSON.stringify(init.body));
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    ...(body === null ? {} : { 'content-type': init.rawBody !== undefined ? 'application/yaml' : 'application/json' }),
    ...(init.accept ? { accept: init.accept } : {}),
  };
  const method = init.method ?? (body === null ? 'GET' : 'POST');
  let res: Answer;
  try {
    if (target.protocol === 'https:') {
      const ca = init.ca ?? resolveCa(undefined);
      res = await httpsCall(target, { method, headers, body, ...(ca ? { ca } : {}) });
    } else {
      const r = await fetch(target, { method, headers, body });
      res = { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
    }
  } catch (err) {
    const e = err as Error & { code?: string; cause?: unknown };
    const tls = e.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(e.code) ? ' — the node\'s certificate is not trusted: point FABRIK_CA at the site CA (site/pki/ca.crt)' : '';
    throw new Error(`cannot reach the node at ${url} (${e.code ?? (e.cause ? String(e.cause) : e.message)})${tls}; is it running? (--url / FABRIK_URL)`);
  }
  let parsed: unknown = res.text;
  if (res.type.includes('json')) parsed = JSON.parse(res.text) as unknown;
  if (res.status >= 400) {
    const e = (parsed as { error?: { code?: string; message?: string } })?.error;
    throw new Error(e ? `${e.code}: ${e.message}` : `HTTP ${res.status}: ${res.text.slice(0, 200)}`);
  }
  return { status: res.status, body: parsed, text: res.text };
}
