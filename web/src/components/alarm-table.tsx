import { useState } from 'preact/hooks';
import { postJson } from '../api/http.js';
import type { Alarm } from '../api/types.js';
import { useObservable } from '../live/observable.js';
import { hrefOf } from '../router/hash-route.js';
import { session, can } from '../session/session.js';
import { CommentDialog } from './comment-dialog.js';
import { formatAge, formatTime, formatValue } from './format.js';

type Pending = { alarm: Alarm; kind: 'ack' | 'shelve' | 'unshelve' } | null;

/** Alarms with their state; operators acknowledge, shelve and unshelve them with a comment. */
export function AlarmTable({ alarms, onChanged, compact }: { alarms: readonly Alarm[]; onChanged: () => void; compact?: boolean }) {
  useObservable(session);
  const [pending, setPending] = useState<Pending>(null);
  const mayAct = can('acknowledgeAlarm');
  if (alarms.length === 0) return <p class="muted">No alarms.</p>;
  const submit = async (comment: string, minutes: number | undefined): Promise<void> => {
    if (!pending) return;
    const id = encodeURIComponent(pending.alarm.id);
    const body = pending.kind === 'shelve' ? { comment, minutes } : { comment };
    await postJson(`/api/v1/alarms/${id}/${pending.kind === 'ack' ? 'ack' : pending.kind}`, body);
    onChanged();
  };
  return (
    <div class="table-scroll">
      <table class="table alarms">
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">Alarm</th>
            {!compact && <th scope="col">Value</th>}
            <th scope="col">Since</th>
            {!compact && <th scope="col">State</th>}
            {mayAct && !compact && <th scope="col"><span class="sr-only">Actions</span></th>}
          </tr>
        </thead>
        <tbody>
          {alarms.map((a) => (
            <tr key={a.id} data-alarm={a.id} class={`alarm${a.active ? ' active' : ''}${a.acknowledged ? '' : ' unacked'}`}>
              <td>
                <span class={`priority priority-${a.priority}`}>{a.priority}</span>
              </td>
              <td>
                <div class="alarm-message">{a.message}</div>
                <div class="muted small">
                  {a.type} · <a href={hrefOf(['machine', a.assetPath])}>{a.tag}</a>
                  {compact && ` · ${stateText(a)}`}
                </div>
                {compact && mayAct && !a.acknowledged && (
                  <button type="button" class="small" onClick={() => setPending({ alarm: a, kind: 'ack' })}>
                    Acknowledge
                  </button>
                )}
              </td>
              {!compact && (
                <td class="num">
                  {formatValue(a.value)}
                  {a.limit !== undefined && <span class="muted small"> / {formatValue(a.limit)}</span>}
                </td>
              )}
              <td class="nowrap">{formatAge(a.since)}</td>
              {!compact && <td>{stateText(a)}</td>}
              {mayAct && !compact && (
                <td class="row-actions">
                  <div>
                  {!a.acknowledged && (
                    <button type="button" onClick={() => setPending({ alarm: a, kind: 'ack' })}>
                      Acknowledge
                    </button>
                  )}
                  {a.shelvedUntil ? (
                      <button type="button" onClick={() => setPending({ alarm: a, kind: 'unshelve' })}>
                        Unshelve
                      </button>
                    ) : (
                      <button type="button" onClick={() => setPending({ alarm: a, kind: 'shelve' })}>
                        Shelve
                      </button>
                    )}
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {pending && (
        <CommentDialog
          title={`${pending.kind === 'ack' ? 'Acknowledge' : pending.kind === 'shelve' ? 'Shelve' : 'Unshelve'}: ${pending.alarm.message}`}
          action={pending.kind === 'ack' ? 'Acknowledge' : pending.kind === 'shelve' ? 'Shelve' : 'Unshelve'}
          minutes={pending.kind === 'shelve'}
          onSubmit={submit}
          onClose={() => setPending(null)}
        />
      )}
    </div>
  );
}

function stateText(a: Alarm): string {
  const parts = [a.active ? 'active' : 'returned', a.acknowledged ? 'acked' : 'unacked'];
  if (a.shelvedUntil) parts.push(`shelved until ${formatTime(a.shelvedUntil)}`);
  if (a.suppressed) parts.push('suppressed');
  return parts.join(', ');
}

const RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** Most urgent first: unacknowledged, then priority, then newest. */
export function sortAlarms(alarms: readonly Alarm[]): Alarm[] {
  return [...alarms].sort((a, b) => Number(a.acknowledged) - Number(b.acknowledged) || RANK[a.priority] - RANK[b.priority] || b.since - a.since);
}
