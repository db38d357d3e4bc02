import { useEffect, useRef } from 'preact/hooks';
import type { PageDef } from '../pages/page-def.js';

/** The keyboard shortcuts, opened with "?". */
export function ShortcutsDialog({ pages, onClose }: { pages: readonly PageDef[]; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const back = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => back?.focus();
  }, []);
  return (
    <dialog ref={dialog} class="dialog" onClose={onClose} aria-labelledby="keys-title">
      <h2 id="keys-title">Keyboard shortcuts</h2>
      <table class="table">
        <tbody>
          {pages
            .filter((p) => p.shortcut)
            .map((p) => (
              <tr key={p.id}>
                <td>
                  <kbd>g</kbd> <kbd>{p.shortcut}</kbd>
                </td>
                <td>{p.title}</td>
              </tr>
            ))}
          <tr>
            <td>
              <kbd>t</kbd>
            </td>
            <td>Switch light / dark theme</td>
          </tr>
          <tr>
            <td>
              <kbd>/</kbd>
            </td>
            <td>Focus the page's search or editor</td>
          </tr>
          <tr>
            <td>
              <kbd>←</kbd> <kbd>→</kbd> <kbd>+</kbd> <kbd>−</kbd> <kbd>0</kbd>
            </td>
            <td>On a focused chart: pan, zoom, reset</td>
          </tr>
          <tr>
            <td>
              <kbd>?</kbd>
            </td>
            <td>This help</td>
          </tr>
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" class="primary">
          Close
        </button>
      </form>
    </dialog>
  );
}
