import { useEffect, useRef, useState } from 'preact/hooks';
import { ConnectionBanner } from './components/connection-banner.js';
import { ShortcutsDialog } from './components/shortcuts-dialog.js';
import { installShortcuts } from './keyboard.js';
import { backoffDelay } from './live/backoff.js';
import { closeLiveConnection, openLiveConnection } from './live/live-connection.js';
import { useObservable } from './live/observable.js';
import { PAGES, pageFor } from './pages/index.js';
import { SignInPage } from './pages/sign-in-page.js';
import { useRoute } from './router/hash-route.js';
import { resume, session, signOut } from './session/session.js';
import { loadSite, site } from './site/site-model.js';
import { cycleTheme, theme } from './theme.js';

type Boot = 'starting' | 'ready' | 'unreachable';

/** The shell: sign-in until there is a session, then the header, the connection banner and the page of the route. */
export function App() {
  const [boot, setBoot] = useState<Boot>('starting');
  const [help, setHelp] = useState(false);
  const current = useObservable(session);

  useEffect(() => {
    let timer = 0;
    let attempt = 0;
    const tryResume = (): void => {
      resume().then(
        () => setBoot('ready'),
        () => {
          setBoot('unreachable');
          timer = window.setTimeout(tryResume, backoffDelay(++attempt));
        },
      );
    };
    tryResume();
    const off = session.subscribe(() => {
      clearTimeout(timer);
      setBoot('ready');
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, []);
  useEffect(() => {
    if (!current) {
      closeLiveConnection();
      site.set(null);
      return;
    }
    openLiveConnection(current.token);
    void loadSite().catch(() => {});
  }, [current?.token]);
  useEffect(() => installShortcuts(PAGES, () => setHelp(true)), []);

  if (boot === 'starting') return <p class="boot muted">Connecting to the node…</p>;
  if (!current) {
    return (
      <>
        {boot === 'unreachable' && (
          <div class="banner down" role="alert" data-banner="unreachable">
            <strong>Node unreachable.</strong> The node did not answer; retrying by itself.
          </div>
        )}
        <SignInPage />
      </>
    );
  }
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <Header onHelp={() => setHelp(true)} />
      <ConnectionBanner />
      <Page />
      {help && <ShortcutsDialog pages={PAGES} onClose={() => setHelp(false)} />}
    </>
  );
}

function Header({ onHelp }: { onHelp: () => void }) {
  const route = useRoute();
  const s = useObservable(site);
  const me = useObservable(session);
  const t = useObservable(theme);
  const active = pageFor(route.segments[0])?.id ?? 'overview';
  return (
    <header class="top">
      <a class="brand" href="#/">
        Fabrik <span class="muted">{s?.site.name ?? ''}</span>
      </a>
      <nav aria-label="Pages" class="pages">
        {PAGES.filter((p) => p.nav).map((p) => (
          <a href={`#/${p.segment}`} aria-current={p.id === active ? 'page' : undefined} key={p.id} title={p.shortcut ? `g then ${p.shortcut}` : undefined} data-page={p.id}>
            {p.title}
          </a>
        ))}
      </nav>
      <div class="who">
        <span class="role" data-role={me?.identity.role}>
          {me?.identity.name} · {me?.identity.role}
        </span>
        <button type="button" onClick={cycleTheme} aria-label={`Theme: ${t.choice} (${t.resolved}); press to change`} title="Theme (t)">
          {t.resolved === 'dark' ? '☾' : '☀'}
          {t.choice === 'auto' ? ' auto' : ''}
        </button>
        <button type="button" onClick={onHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          ?
        </button>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}

function Page() {
  const route = useRoute();
  const page = pageFor(route.segments[0]);
  const first = useRef(true);
  useEffect(() => {
    document.title = `${page?.title ?? 'Not found'} · Fabrik`;
    // Moving to another page puts the focus at its top for keyboard and screen-reader users; the first page keeps the natural order (skip link, header, page).
    if (first.current) first.current = false;
    else if (document.activeElement === document.body || document.activeElement?.closest('nav.pages')) document.getElementById('main')?.focus({ preventScroll: true });
  }, [page]);
  return (
    <main id="main" tabIndex={-1} data-page={page?.id ?? 'not-found'}>
      {page ? (
        <page.component route={route} />
      ) : (
        <>
          <h1>Nothing here</h1>
          <p>
            No page at <code>#{route.href}</code>. <a href="#/">Go to the overview</a>.
          </p>
        </>
      )}
    </main>
  );
}
