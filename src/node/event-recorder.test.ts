import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Bus, createEvent, type FabrikEvent } from '../core/index.js';
import { EventRecorder, type EventSink } from './event-recorder.js';

/** A store whose first `failures` event writes fail, then keeps what it is given in order. */
class RecoveringEvents implements EventSink {
  stored: string[] = [];
  attempts = 0;
  constructor(private failures: number) {}
  async writeEvents(events: FabrikEvent[]): Promise<void> {
    this.attempts++;
    await new Promise((r) => setImmediate(r)); // a commit takes a while
    if (this.failures-- > 0) throw Object.assign(new Error('disk full'), { code: 'STORE_COMMIT_FAILED' });
    this.stored.push(...events.map((e) => e.message));
  }
}

const event = (message: string): FabrikEvent => createEvent({ kind: 'alarm.active', assetPath: 'acme/p1', severity: 'high', message });

function recorder(sink: EventSink, maxAttempts = 6) {
  const bus = new Bus();
  const published: string[] = [];
  bus.subscribe('events', (e) => published.push(e.message));
  const counts = { stored: 0, lost: 0 };
  const r = new EventRecorder({ bus, sink, logger: pino({ level: 'silent' }), maxAttempts, onStored: (n) => (counts.stored += n), onLost: (n) => (counts.lost += n) });
  return { r, published, counts };
}

describe('EventRecorder', () => {
  it('publishes an event before its store write has returned, and stores it behind', async () => {
    const sink = new RecoveringEvents(0);
    const { r, published, counts } = recorder(sink);
    r.record(event('a'));
    r.record(event('b'));
    expect(published).toEqual(['a', 'b']);
    expect(sink.stored).toEqual([]);
    await r.settled();
    expect(sink.stored).toEqual(['a', 'b']);
    expect(counts).toEqual({ stored: 2, lost: 0 });
  });

  it('retries a failed write until it is stored', async () => {
    const sink = new RecoveringEvents(2);
    const { r, counts } = recorder(sink);
    r.record(event('a'));
    await r.settled();
    expect(sink.stored).toEqual(['a']);
    expect(sink.attempts).toBe(3);
    expect(counts).toEqual({ stored: 1, lost: 0 });
  });

  it('counts an event it could not store after every attempt, without throwing', async () => {
    const sink = new RecoveringEvents(100);
    const { r, published, counts } = recorder(sink, 2);
    r.record(event('a'));
    await r.settled();
    expect(published).toEqual(['a']);
    expect(sink.stored).toEqual([]);
    expect(counts).toEqual({ stored: 0, lost: 1 });
    expect(r.lost).toBe(1);
  });

  it('gives up at once on a closed store', async () => {
    const closed: EventSink = { writeEvents: () => Promise.reject(Object.assign(new Error('the store is closed'), { code: 'STORE_CLOSED' })) };
    const { r, counts } = recorder(closed);
    r.record(event('late'));
    await r.close();
    expect(counts.lost).toBe(1);
  });
});
