import type { FabrikEvent } from '../core/index.js';
import type { AlarmBoard, AlarmFilter, AlarmView } from './alarm-board.js';
import type { AreaAlarmRate } from './flood-counter.js';

/** One line of the alarm journal (the dashboard's JournalEntry). */
export interface JournalEntry {
  ts: number;
  alarmId: string;
  tag: string;
  transition: string;
  priority?: string;
  user?: string;
  comment?: string;
  value?: unknown;
  message: string;
}

/** Reads the stored alarm events back. */
export interface AlarmHistory {
  /** `alarm.*` events in [from, to), newest first, at most `limit`. */
  alarmEvents(filter: { from?: number; to?: number; limit: number }): Promise<FabrikEvent[]>;
}

/** What the alarm routes ask of the node. */
export class AlarmService {
  constructor(
    private readonly board: AlarmBoard,
    private readonly history: AlarmHistory,
  ) {}

  list(filter: AlarmFilter): AlarmView[] {
    return this.board.list(filter);
  }

  acknowledge(id: string, actor: string, comment: string): AlarmView {
    return this.board.acknowledge(id, actor, comment);
  }

  shelve(id: string, actor: string, comment: string, minutes: number): AlarmView {
    return this.board.shelve(id, actor, comment, minutes);
  }

  unshelve(id: string, actor: string, comment: string): AlarmView {
    return this.board.unshelve(id, actor, comment);
  }

  rates(): AreaAlarmRate[] {
    return this.board.rates();
  }

  async journal(filter: { from?: number; to?: number; limit: number; alarm?: string }): Promise<JournalEntry[]> {
    const events = await this.history.alarmEvents(filter);
    return events
      .filter((e) => filter.alarm === undefined || e.payload['alarm'] === filter.alarm)
      .map((e) => {
        const p = e.payload;
        const entry: JournalEntry = { ts: e.ts, alarmId: String(p['alarm'] ?? ''), tag: e.tag ?? '', transition: e.kind.replace(/^alarm\./, ''), message: e.message };
        if (typeof p['priority'] === 'string') entry.priority = p['priority'];
        if (typeof p['actor'] === 'string') entry.user = p['actor'];
        if (typeof p['comment'] === 'string') entry.comment = p['comment'];
        if (p['value'] !== undefined) entry.value = p['value'];
        return entry;
      });
  }
}
