import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { queryString } from '../api/http.js';
import type { Alarm, WireEvent } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { AlarmTable, sortAlarms } from '../components/alarm-table.js';
import { formatDateTime } from '../components/format.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import { useEventRefresh, useEvents } from '../live/use-events.js';
import { setParams, type Route } from '../router/hash-route.js';
import { EVENT_RANGES, KNOWN_KINDS, matchesEvent, SEVERITIES, type EventFilterState } from './event-filter.js';
import type { PageDef } from './page-def.js';

const TABS = [
  { id: 'events', label: 'Events' },
  { id: 'alarms', label: 'Alarms' },
  { id: 'journal', label: 'Alarm journal' },
] as const;

/** Alarms, SPC violations, anomalies, inspections and config changes: filter, search, acknowledge. */
function EventsPage({ route }: { route: Route }) {
  const tab = TABS.find((t) => t.id === route.params.get('tab'))?.id ?? 'events';
  return (
    <div class="events">
      <h1>Events</h1>
      <div class="tabs" role="tablist" aria-label="Event views">
        {TABS.map((t) => (
          <button type="button" role="tab" aria-selected={t.id === tab} onClick={() => setParams({ tab: t.id === 'events' ? undefined : t.id })} key={t.id} data-tab={t.id}>
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'events' && <EventList route={route} />}
      {tab === 'alarms' && <AlarmList route={route} />}
      {tab === 'journal' && <Journal />}
    </div>
  );
}

function EventList({ route }: { route: Route }) {
  const p = route.params;
  const range = EVENT_RANGES.find((r) => r.id === p.get('range')) ?? EVENT_RANGES[2];
  const filter: EventFilterState = { kind: p.get('kind') ?? '', severity: p.get('severity') ?? '', asset: p.get('asset') ?? '', tag: p.get('tag') ?? '', text: p.get('q') ?? '' };
  const [since] = useState(() => Date.now());
  const from = Math.floor((since - range.ms) / 60_000) * 60_000;
  const events = useResource<{ events: WireEvent[] }>(`/api/v1/events${queryString({ from, kind: filter.kind, asset: filter.asset, tag: filter.tag, limit: 2000 })}`);
  // Events streamed since the page opened; merged with the fetched ones by id (a fetch may answer before or after them).
  const [arrived, setArrived] = useState<WireEvent[]>([]);
  useEvents((e) => setArrived((list) => [e, ...list].slice(0, 500)));
  const all = [...arrived, ...(hasData(events) ? events.data.events : [])];
  const seen = new Set<string>();
  const shown = all.filter((e) => !seen.has(e.id) && seen.add(e.id) && matchesEvent(e, filter));
  const [open, setOpen] = useState<string | null>(null);

  return (
    <section class="panel" aria-label="Event list">
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter events">
        <label>
          Search
          <input type="search" data-search value={filter.text} placeholder="message, tag, payload…" onInput={(e) => setParams({ q: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          Range
          <select value={range.id} onChange={(e) => setParams({ range: (e.target as HTMLSelectElement).value })}>
            {EVENT_RANGES.map((r) => (
              <option value={r.id} key={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <input list="event-kinds" value={filter.kind} placeholder="any" onChange={(e) => setParams({ kind: (e.target as HTMLInputElement).value.trim() })} />
          <datalist id="event-kinds">
            {KNOWN_KINDS.map((k) => (
              <option value={k} key={k} />
            ))}
          </datalist>
        </label>
        <label>
          Severity at least
          <select value={filter.severity} onChange={(e) => setParams({ severity: (e.target as HTMLSelectElement).value })}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option value={s} key={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Asset
          <input value={filter.asset} placeholder="acme/demo/…" onChange={(e) => setParams({ asset: (e.target as HTMLInputElement).value.trim() })} />
        </label>
        <label>
          Tag
          <input value={filter.tag} placeholder="line1.filler.…" onChange={(e) => setParams({ tag: (e.target as HTMLInputElement).value.trim() })} />
        </label>
      </form>
      <ResourceState resource={events} capability="Events" />
      <p class="muted small" aria-live="polite">
        {shown.length === 0 && hasData(events) ? 'No events match in this range; new ones appear here as they happen.' : `${shown.length.toLocaleString()} events${arrived.length ? `, ${arrived.length} arrived live` : ''}`}
      </p>
      <table class="table events-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Severity</th>
            <th scope="col">Kind</th>
            <th scope="col">Message</th>
            <th scope="col">Asset · tag</th>
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, 500).map((e) => (
            <Fragment key={e.id}>
              <tr data-event={e.id} data-kind={e.kind} class="clickable" tabIndex={0} onClick={() => setOpen(open === e.id ? null : e.id)} onKeyDown={(k) => k.key === 'Enter' && setOpen(open === e.id ? null : e.id)} aria-expanded={open === e.id}>
                <td class="nowrap">{formatDateTime(Date.parse(e.ts))}</td>
                <td>
                  <span class={`sev sev-${e.severity}`}>{e.severity}</span>
                </td>
                <td>{e.kind}</td>
                <td>{e.message}</td>
                <td class="small">
                  {e.assetPath}
                  {e.tag ? ` · ${e.tag}` : ''}
                </td>
              </tr>
              {open === e.id && (
                <tr class="detail">
                  <td colSpan={5}>
                    <pre>{JSON.stringify(e.payload, null, 2)}</pre>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const ALARM_STATES = ['active', 'unacked', 'shelved', 'all'] as const;

function AlarmList({ route }: { route: Route }) {
  const state = ALARM_STATES.find((s) => s === route.params.get('state')) ?? 'all';
  const alarms = useResource<{ alarms: Alarm[] }>(`/api/v1/alarms${queryString({ state })}`, { refreshMs: 10_000 });
  useEventRefresh((e) => e.kind.startsWith('alarm.'), alarms.reload);
  return (
    <section class="panel" aria-label="Alarms">
      <div class="toolbar">
        <label class="inline">
          Show
          <select value={state} onChange={(e) => setParams({ state: (e.target as HTMLSelectElement).value })}>
            {ALARM_STATES.map((s) => (
              <option value={s} key={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ResourceState resource={alarms} capability="Alarming" />
      {hasData(alarms) && <AlarmTable alarms={sortAlarms(alarms.data.alarms)} onChanged={alarms.reload} />}
    </section>
  );
}

interface JournalEntry {
  ts: number;
  alarmId: string;
  tag: string;
  transition: string;
  user?: string;
  comment?: string;
  value?: unknown;
}

function Journal() {
  const journal = useResource<{ entries: JournalEntry[] }>(`/api/v1/alarms/journal${queryString({ limit: 500 })}`, { refreshMs: 15_000 });
  return (
    <section class="panel" aria-label="Alarm journal">
      <ResourceState resource={journal} capability="Alarming" />
      {hasData(journal) && (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Alarm</th>
              <th scope="col">Transition</th>
              <th scope="col">User</th>
              <th scope="col">Comment</th>
            </tr>
          </thead>
          <tbody>
            {journal.data.entries.map((j, i) => (
              <tr key={`${j.alarmId}-${j.ts}-${i}`}>
                <td class="nowrap">{formatDateTime(j.ts)}</td>
                <td>{j.tag}</td>
                <td>{j.transition}</td>
                <td>{j.user ?? ''}</td>
                <td>{j.comment ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export const eventsPage: PageDef = { id: 'events', title: 'Events', segment: 'events', shortcut: 'e', nav: true, component: EventsPage };
