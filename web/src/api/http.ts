import { HttpError, UnreachableError } from './http-error.js';
import { reachability } from './reachability.js';

let token: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Sets the bearer token every request carries, and what to do when the node stops accepting it. */
export function setApiToken(value: string | null, unauthorized?: () => void): void {
  token = value;
  onUnauthorized = unauthorized ?? null;
}

export function currentToken(): string | null {
  return token;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** Send without the stored token (sign-in). */
  anonymous?: boolean;
  /** Override the stored token (checking a token before storing it). */
  token?: string;
}

/** Fetches from the node; throws `HttpError` for non-2xx answers and `UnreachableError` when the node does not answer. */
export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const bearer = opts.token ?? (opts.anonymous ? null : token);
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'),
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (cause) {
    if ((cause as Error).name === 'AbortError') throw cause;
    reachability.failed();
    throw new UnreachableError(`the node at ${location.host} does not answer (${(cause as Error).message})`, { cause });
  }
  reachability.answered();
  if (res.ok) return res;
  let code = `HTTP_${res.status}`;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not JSON: keep the status line.
  }
  if (res.status === 401 && !opts.anonymous && !opts.token) onUnauthorized?.();
  throw new HttpError(res.status, code, message);
}

export async function getJson<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  return (await (await request(path, opts)).json()) as T;
}

export async function postJson<T>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
  return (await (await request(path, { ...opts, body })).json()) as T;
}

/** `?a=1&b=2` from the defined entries of an object. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
