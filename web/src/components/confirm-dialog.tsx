import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface ConfirmDialogProps {
  title: string;
  /** Label of the confirm button: says what happens ("Write 7.5 °C", "Trust"). */
  action: string;
  children: ComponentChildren;
  /** Runs on confirm; a throw keeps the dialog open with the message. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
  /** False keeps the confirm button disabled (a required field is still empty). Default true. */
  ready?: boolean;
  /** Which dialog this is, as `data-dialog` (default "confirm"). */
  kind?: string;
  /** Focus the confirm button on open (default); false leaves focus on the first field. */
  focusAction?: boolean;
}

/** A modal that asks before an audited change; Escape or Cancel leaves everything as it was, focus returns where it was. */
export function ConfirmDialog({ title, action, children, onConfirm, onClose, ready = true, kind = 'confirm', focusAction = true }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const back = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => back?.focus();
  }, []);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      await onConfirm();
      dialog.current?.close();
      onClose();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} class="dialog" onClose={onClose} aria-labelledby={`${kind}-title`} data-dialog={kind}>
      <form onSubmit={submit}>
        <h2 id={`${kind}-title`}>{title}</h2>
        {children}
        {error && (
          <p class="notice error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || !ready} autoFocus={focusAction}>
            {action}
          </button>
        </div>
      </form>
    </dialog>
  );
}
