import { setApiToken } from '../api/http.js';
import { getJson } from '../api/http.js';
import type { Identity } from '../api/types.js';
import { Observable } from '../live/observable.js';
import { ACTIONS, roleAtLeast, type Action } from './permissions.js';

const KEY = 'fabrik.token';

export interface SignedIn {
  token: string;
  identity: Identity;
}

/** The signed-in user; null on the sign-in page. */
export const session = new Observable<SignedIn | null>(null);
/** Why the last session ended, shown on the sign-in page. */
export const signOutReason = new Observable<string | null>(null);

/** Checks a token against the node and, when it is good, signs in with it. */
export async function signIn(token: string, remember: boolean): Promise<Identity> {
  const identity = await getJson<Identity>('/api/v1/auth/me', { token });
  store(token, remember);
  start(token, identity);
  return identity;
}

/** Signs in again with a token kept from an earlier visit; false when there is none or the node refuses it; throws when the node does not answer. */
export async function resume(): Promise<boolean> {
  const token = localStorage.getItem(KEY) ?? sessionStorage.getItem(KEY);
  if (!token) return false;
  try {
    start(token, await getJson<Identity>('/api/v1/auth/me', { token }));
    return true;
  } catch (err) {
    if ((err as { status?: number }).status !== 401) throw err;
    forget();
    signOutReason.set('The node no longer accepts the saved token (revoked or expired). Sign in again.');
    return false;
  }
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
  setApiToken(token, () => signOut('The node no longer accepts this token (revoked or expired). Sign in again.'));
  signOutReason.set(null);
  session.set({ token, identity });
}

function store(token: string, remember: boolean): void {
  forget();
  (remember ? localStorage : sessionStorage).setItem(KEY, token);
}

function forget(): void {
  localStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY);
}
