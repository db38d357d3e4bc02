import type { AlarmDefinition } from './alarm-config.js';
import { AlarmError, AlarmErrorCode } from './errors.js';

/** What happened to an alarm; stored as the event kind "alarm.<transition>". */
export type AlarmTransition = 'active' | 'returned' | 'acknowledged' | 'shelved' | 'unshelved' | 'suppressed' | 'unsuppressed';

/** One state change of an alarm. */
export interface AlarmChange {
  transition: AlarmTransition;
  ts: number;
  actor?: string;
  comment?: string;
  /** Shelved until (epoch ms), for "shelved". */
  until?: number;
}

/** ISA-18.2 alarm states (figure 5 of the standard), shelving and design suppression aside. */
export type AlarmStateName = 'normal' | 'unacknowledged' | 'acknowledged' | 'returned-unacknowledged';

/**
 * One alarm's ISA-18.2 state machine. The process condition goes through on
 * and off delays (in sample time) before the alarm becomes active or returns;
 * acknowledgement is independent of the condition (an alarm that returned
 * unacknowledged waits for its acknowledgement). Shelving hides an alarm
 * until a time; design suppression (machine down) stops evaluating it.
 * Time is always passed in, so the machine is tested with a made-up clock.
 */
export class AlarmState {
  active = false;
  acknowledged = true;
  /** When the alarm last became active or returned, epoch ms (0: never). */
  since = 0;
  value: number = Number.NaN;
  shelvedUntil: number | undefined;
  suppressed = false;
  private pendingOn = Number.NaN;
  private pendingOff = Number.NaN;

  constructor(readonly def: AlarmDefinition) {}

  get state(): AlarmStateName {
    if (this.active) return this.acknowledged ? 'acknowledged' : 'unacknowledged';
    return this.acknowledged ? 'normal' : 'returned-unacknowledged';
  }

  /** Feeds the condition of a new sample (true: in alarm, false: clear, null: in the deadband). */
  observe(condition: boolean | null, value: number, ts: number): AlarmChange | undefined {
    this.value = value;
    if (this.suppressed) return undefined;
    if (condition === true) {
      this.pendingOff = Number.NaN;
      if (this.active) return undefined;
      if (Number.isNaN(this.pendingOn)) this.pendingOn = ts;
      return ts - this.pendingOn >= this.def.onDelay ? this.activate(ts) : undefined;
    }
    if (condition === false) {
      this.pendingOn = Number.NaN;
      if (!this.active) return undefined;
      if (Number.isNaN(this.pendingOff)) this.pendingOff = ts;
      return ts - this.pendingOff >= this.def.offDelay ? this.clear(ts) : undefined;
    }
    // Inside the hysteresis band: an active alarm stays active, an inactive one stays quiet.
    if (this.active) this.pendingOff = Number.NaN;
    else this.pendingOn = Number.NaN;
    return undefined;
  }

  /** Completes delays that ran out without a new sample, and ends an expired shelving. */
  tick(now: number): AlarmChange[] {
    const out: AlarmChange[] = [];
    if (!this.suppressed && !this.active && !Number.isNaN(this.pendingOn) && now - this.pendingOn >= this.def.onDelay) out.push(this.activate(now));
    if (!this.suppressed && this.active && !Number.isNaN(this.pendingOff) && now - this.pendingOff >= this.def.offDelay) out.push(this.clear(now));
    if (this.shelvedUntil !== undefined && now >= this.shelvedUntil) {
      this.shelvedUntil = undefined;
      out.push({ transition: 'unshelved', ts: now, actor: 'system', comment: 'shelving expired' });
    }
    return out;
  }

  acknowledge(actor: string, comment: string, now: number): AlarmChange {
    if (this.acknowledged) throw new AlarmError(AlarmErrorCode.AlreadyAcknowledged, `alarm "${this.def.id}" needs no acknowledgement (it is ${this.state})`);
    this.acknowledged = true;
    return { transition: 'acknowledged', ts: now, actor, comment };
  }

  shelve(actor: string, comment: string, until: number, now: number): AlarmChange {
    this.shelvedUntil = until;
    return { transition: 'shelved', ts: now, actor, comment, until };
  }

  unshelve(actor: string, comment: string, now: number): AlarmChange {
    if (this.shelvedUntil === undefined) throw new AlarmError(AlarmErrorCode.NotShelved, `alarm "${this.def.id}" is not shelved`);
    this.shelvedUntil = undefined;
    return { transition: 'unshelved', ts: now, actor, comment };
  }

  /** Design suppression on or off; a change is reported only when it hides or shows an alarm that is not normal. */
  suppress(on: boolean, now: number): AlarmChange | undefined {
    if (on === this.suppressed) return undefined;
    this.suppressed = on;
    this.pendingOn = Number.NaN;
    this.pendingOff = Number.NaN;
    if (this.state === 'normal') return undefined;
    return { transition: on ? 'suppressed' : 'unsuppressed', ts: now, actor: 'system' };
  }

  /** Applies a stored change (restart): the state is rebuilt from the journal. */
  replay(transition: AlarmTransition, ts: number, payload: Record<string, unknown>): void {
    switch (transition) {
      case 'active':
        this.active = true;
        this.acknowledged = false;
        this.since = ts;
        break;
      case 'returned':
        this.active = false;
        this.since = ts;
        break;
      case 'acknowledged':
        this.acknowledged = true;
        break;
      case 'shelved':
        this.shelvedUntil = typeof payload['until'] === 'number' ? payload['until'] : undefined;
        break;
      case 'unshelved':
        this.shelvedUntil = undefined;
        break;
      default:
        break; // suppression follows the live machine state, not the journal
    }
    if (typeof payload['value'] === 'number') this.value = payload['value'];
  }

  private activate(ts: number): AlarmChange {
    this.active = true;
    this.acknowledged = false;
    this.since = ts;
    this.pendingOn = Number.NaN;
    return { transition: 'active', ts };
  }

  private clear(ts: number): AlarmChange {
    this.active = false;
    this.since = ts;
    this.pendingOff = Number.NaN;
    return { transition: 'returned', ts };
  }
}
