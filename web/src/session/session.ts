import { getJson, setApiToken } from '../api/http.js';
import { HttpError } from '../api/http-error.js';
import type { Identity } from '../api/types.js';
import { Observable } from '../live/observable.js';
import { ACTIONS, roleAtLeast, type Action } from './permissions.js';

const KEY = 'fabrik.session';

export interface SignedIn {
  token: string;
  identity: Identity;
}

/** The signed-in user; null on the sign-in page. */
export const session = new Observable<SignedIn | null>(null);
/** Why the last session ended, shown on the sign-in page. */
export const signOutReason = new Observable<string | null>(null);

const REFUSED = 'The node no longer accepts this token (revoked or expired). Sign in again.';

/** Checks a token against the node and, when it is good, signs in with it. */
export async function signIn(token: string, remember: boolean): Promise<Identity> {
  const identity = await getJson<Identity>('/api/v1/auth/me', { token });
  store({ token, identity }, remember);
  start(token, identity);
  return identity;
}

/**
 * Signs in again with the session kept from an earlier visit. The pages open at
 * once with the remembered identity (a panel PC shows values without waiting)
 * while the node confirms the token; a refused token signs out. The role only
 * decides what the page shows: the node checks it on every request anyway.
 * False when nothing is kept; throws when the node does not answer and there is
 * nothing to start with.
 */
export async function resume(): Promise<boolean> {
  const kept = read();
  if (!kept) return false;
  if (kept.identity) {
    start(kept.token, kept.identity);
    // Unreachable now: keep the session; the banner says so and the stream reconnects.
    void confirm(kept.token).catch(() => {});
    return true;
  }
  return confirm(kept.token);
}

/** Asks the node who the token is; updates the session, or signs out when the node refuses the token. */
async function confirm(token: string): Promise<boolean> {
  let identity: Identity;
  try {
    identity = await getJson<Identity>('/api/v1/auth/me', { token });
  } catch (err) {
    if (!(err instanceof HttpError && err.status === 401)) throw err;
    signOut(REFUSED);
    return false;
  }
  const now = session.value;
  if (now && now.token !== token) return true;
  if (!now || now.identity.role !== identity.role || now.identity.name !== identity.name) {
    store({ token, identity }, localStorage.getItem(KEY) !== null);
    start(token, identity);
  }
  return true;
}

export function signOut(reason: string | null = null): void {
  forget();
  setApiToken(null);
  signOutReason.set(reason);
  session.set(null);
}

/** Whether the signed-in role may do an action. */
export function can(action: Action): boolean {
  return roleAtLeast(session.value?.identity.role, ACTIONS[action]);
}

function start(token: string, identity: Identity): void {
  setApiToken(token, () => signOut(REFUSED));
  signOutReason.set(null);
  session.set({ token, identity });
}

function read(): { token: string; identity: Identity | null } | null {
  const raw = localStorage.getItem(KEY) ?? sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as { token?: unknown; identity?: Identity };
    return typeof v.token === 'string' ? { token: v.token, identity: v.identity?.role ? v.identity : null } : null;
  } catch {
    return null;
  }
}

function store(value: SignedIn, remember: boolean): void {
  forget();
  (remember ? localStorage : sessionStorage).setItem(KEY, JSON.stringify(value));
}

function forget(): void {
  localStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY);
}
