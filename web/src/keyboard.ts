import { navigate } from './router/hash-route.js';
import type { PageDef } from './pages/page-def.js';
import { cycleTheme } from './theme.js';

/** True when keys typed go into a field, so page shortcuts must not fire. */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** g+key goes to a page, t switches the theme, / focuses the page's search, ? opens the help. */
export function installShortcuts(pages: readonly PageDef[], openHelp: () => void): () => void {
  let leader = 0;
  const onKey = (e: KeyboardEvent): void => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || document.querySelector('dialog[open]')) return;
    if (Date.now() - leader < 1500) {
      leader = 0;
      const page = pages.find((p) => p.shortcut === e.key);
      if (page) {
        e.preventDefault();
        navigate(`/${page.segment}`);
      }
      return;
    }
    if (e.key === 'g') leader = Date.now();
    else if (e.key === 't') cycleTheme();
    else if (e.key === '?') openHelp();
    else if (e.key === '/') {
      const field = document.querySelector<HTMLElement>('[data-search]');
      if (field) {
        e.preventDefault();
        field.focus();
      }
    } else return;
  };
  addEventListener('keydown', onKey);
  return () => removeEventListener('keydown', onKey);
}
