import { useState } from 'preact/hooks';
import { ConfirmDialog } from './confirm-dialog.js';

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
  const [comment, setComment] = useState('');
  const [mins, setMins] = useState(60);
  return (
    <ConfirmDialog
      title={title}
      action={action}
      kind="comment"
      focusAction={false}
      ready={comment.trim() !== ''}
      onConfirm={() => onSubmit(comment.trim(), minutes ? mins : undefined)}
      onClose={onClose}
    >
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
    </ConfirmDialog>
  );
}
