import { describe, expect, it } from 'vitest';
import { AttemptLimiter } from './attempt-limiter.js';

describe('AttemptLimiter', () => {
  it('locks a key after too many failures, with a lockout that doubles', () => {
    let now = 0;
    const limiter = new AttemptLimiter({ maxFailures: 3, windowMs: 60_000, lockoutMs: 1000, now: () => now });
    const keys = ['user:alice', 'ip:10.0.0.1'];
    expect(limiter.fail(keys)).toBe(0);
    expect(limiter.fail(keys)).toBe(0);
    expect(limiter.blockedFor(keys)).toBe(0);
    expect(limiter.fail(keys)).toBe(1000);
    expect(limiter.blockedFor(['user:alice'])).toBe(1000);
    expect(limiter.blockedFor(['user:bob'])).toBe(0);
    now += 1000;
    expect(limiter.blockedFor(keys)).toBe(0);
    limiter.fail(keys);
    limiter.fail(keys);
    expect(limiter.fail(keys)).toBe(2000);
  });

  it('forgets failures outside the window and clears an account on success', () => {
    let now = 0;
    const limiter = new AttemptLimiter({ maxFailures: 2, windowMs: 1000, now: () => now });
    limiter.fail(['user:a']);
    now += 1001;
    expect(limiter.fail(['user:a'])).toBe(0);
    limiter.succeed('user:a');
    expect(limiter.fail(['user:a'])).toBe(0);
  });

  it('bounds its memory', () => {
    const limiter = new AttemptLimiter({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) limiter.fail([`ip:${i}`]);
    expect(limiter.size).toBe(100);
  });
});
