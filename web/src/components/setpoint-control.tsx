import { useState } from 'preact/hooks';
import { postJson } from '../api/http.js';
import type { TagDefinition, TagWriteAnswer } from '../api/types.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { formatValue } from './format.js';
import { parseSetpoint, rangeText } from './setpoint-entry.js';

type Outcome = { ok: true; text: string } | { ok: false; text: string };

/**
 * Writes a setpoint to the device after a confirmation, then shows what the
 * device read back (or why it refused). The node checks role, type and range
 * again; the input's min/max only catch typos early.
 */
export function SetpointControl({ tag }: { tag: TagDefinition }) {
  const [text, setText] = useState(tag.dataType === 'boolean' ? 'true' : '');
  const [asking, setAsking] = useState<number | boolean | string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const range = rangeText(tag);
  const unit = tag.unit ? ` ${tag.unit}` : '';
  const submit = (e: Event): void => {
    e.preventDefault();
    const value = parseSetpoint(tag, text);
    if (value === null) {
      setOutcome({ ok: false, text: `Enter a ${tag.dataType === 'integer' ? 'whole number' : 'number'}${range ? ` within ${range}` : ''}.` });
      return;
    }
    setOutcome(null);
    setAsking(value);
  };
  const write = async (value: number | boolean | string): Promise<void> => {
    try {
      const answer = await postJson<TagWriteAnswer>(`/api/v1/tags/${encodeURIComponent(tag.id)}/write`, { value });
      const back = answer.readBack;
      setOutcome({ ok: back.quality === 'good', text: `Read back ${formatValue(back.value)}${unit} (${back.quality})` });
    } catch (err) {
      setOutcome({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <div class="setpoint-cell">
      <form class="setpoint" onSubmit={submit} aria-label={`Set ${tag.id}`} data-action="write-tag">
        {tag.dataType === 'boolean' ? (
          <select name="value" value={text} onChange={(e) => setText((e.target as HTMLSelectElement).value)} aria-label={`New value for ${tag.id}`}>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        ) : tag.dataType === 'string' ? (
          <input name="value" type="text" maxLength={1024} value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} aria-label={`New value for ${tag.id}`} />
        ) : (
          <input
            name="value"
            type="number"
            step={tag.dataType === 'integer' ? 1 : 'any'}
            {...(tag.low !== undefined ? { min: tag.low } : {})}
            {...(tag.high !== undefined ? { max: tag.high } : {})}
            required
            value={text}
            placeholder={range || undefined}
            title={range ? `Range ${range}` : undefined}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
            aria-label={`New value for ${tag.id}${range ? `, range ${range}` : ''}`}
          />
        )}
        {tag.unit && <span class="unit">{tag.unit}</span>}
        <button type="submit">Set</button>
      </form>
      {outcome && (
        <p class={outcome.ok ? 'small write-outcome' : 'small write-outcome error'} role={outcome.ok ? 'status' : 'alert'} data-outcome={outcome.ok ? 'ok' : 'error'}>
          {outcome.text}
        </p>
      )}
      {asking !== null && (
        <ConfirmDialog title={`Write to ${tag.id}?`} action={`Write ${formatValue(asking)}${unit}`} onConfirm={() => write(asking)} onClose={() => setAsking(null)}>
          <p>
            The device gets{' '}
            <strong>
              {formatValue(asking)}
              {unit}
            </strong>{' '}
            now{range ? ` (range ${range})` : ''}. The write is recorded in the audit trail with your name.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
