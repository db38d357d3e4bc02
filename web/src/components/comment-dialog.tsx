import { useEffect, useRef, useState } from 'preact/hooks';

export interface CommentDialogProps {
  title: string;
  /** Label of the confirm button. */
  action: string;
  /** Ask for a number of minutes too (shelving). */
  minutes?: boolean;
  onSubmit: (comment: string, minutes: number | undefined) => Promise<void>;
  onClose: () => void;
}

/** A modal that asks for the comment an audited action needs; Escape cancels, focus returns where it was. */
export function CommentDialog({ title, action, minutes, onSubmit, onClose }: CommentDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [comment, setComment] = useState('');
  const [mins, setMins] = useState(60);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = dialog.current;
    const back = document.activeElement as HTMLElement | null;
    d?.showModal();
    return () => back?.focus();
  }, []);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      await onSubmit(comment.trim(), minutes ? mins : undefined);
      dialog.current?.close();
      onClose();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} class="dialog" onClose={onClose} aria-labelledby="dialog-title">
      <form onSubmit={submit}>
        <h2 id="dialog-title">{title}</h2>
        <label>
          Comment <span class="muted small">(kept in the audit trail)</span>
          <textarea name="comment" rows={3} required value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
        </label>
        {minutes && (
          <label>
            Minutes
            <input type="number" name="minutes" min={1} max={10080} value={mins} onInput={(e) => setMins(Number((e.target as HTMLInputElement).value))} />
          </label>
        )}
        {error && (
          <p class="notice error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || comment.trim() === ''}>
            {action}
          </button>
        </div>
      </form>
    </dialog>
  );
}
