import { useEffect, useState } from 'preact/hooks';
import { postJson } from '../api/http.js';
import { HttpError } from '../api/http-error.js';
import { useObservable } from '../live/observable.js';
import { signIn, signOutReason } from '../session/session.js';

type LoginSupport = 'checking' | 'yes' | 'no';

/** Sign in with an API token, or with user name and password when the node offers logins. */
export function SignInPage() {
  const reason = useObservable(signOutReason);
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(true);
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [login, setLogin] = useState<LoginSupport>('checking');

  useEffect(() => {
    // A node with logins refuses an empty body (400); one without has no such route (404, or 401 from the token check in front of unknown routes).
    postJson('/api/v1/auth/login', {}, { anonymous: true }).then(
      () => setLogin('yes'),
      (err: unknown) => setLogin(err instanceof HttpError && (err.status === 404 || err.status === 401) ? 'no' : 'yes'),
    );
  }, []);

  const run = async (e: Event, fn: () => Promise<void>): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof HttpError && err.status === 401 ? 'The node does not accept this token: it is unknown, revoked or expired.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <h1>Fabrik</h1>
      <p class="muted">Sign in to this edge node.</p>
      {reason && (
        <p class="notice" role="status">
          {reason}
        </p>
      )}
      <form onSubmit={(e) => run(e, async () => void (await signIn(token.trim(), remember)))} aria-labelledby="token-title">
        <h2 id="token-title">With an API token</h2>
        <label>
          Token
          <input name="token" type="password" autocomplete="off" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} autoFocus />
        </label>
        <p class="muted small">
          An admin creates tokens with <code>fabrik token create --role viewer</code>; the node's admin token is in <code>&lt;data-dir&gt;/secrets/admin.token</code>.
        </p>
        <label class="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember((e.target as HTMLInputElement).checked)} /> Keep me signed in on this device
        </label>
        <button type="submit" class="primary" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
      {login === 'yes' && (
        <form
          onSubmit={(e) =>
            run(e, async () => {
              const r = await postJson<{ token: string }>('/api/v1/auth/login', { username: user, password }, { anonymous: true });
              await signIn(r.token, remember);
            })
          }
          aria-labelledby="login-title"
          data-form="login"
        >
          <h2 id="login-title">With user name and password</h2>
          <label>
            User name
            <input name="username" autocomplete="username" required value={user} onInput={(e) => setUser((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Password
            <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" class="primary" disabled={busy}>
            Sign in
          </button>
        </form>
      )}
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
    </main>
  );
}
