import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACTED } from './logger.js';

describe('log redaction', () => {
  it('never writes credentials, at the top level or nested', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const log = pino({ redact: { paths: REDACTED, censor: '[redacted]' } }, sink);
    log.info({ token: 'fbk_0123_secret', user: { password: 'hunter2hunter2' }, req: { headers: { authorization: 'Bearer abc' } }, tls: { privateKey: '-----BEGIN' } }, 'x');
    expect(out).not.toMatch(/fbk_0123_secret|hunter2|Bearer abc|BEGIN/);
    expect(out.match(/\[redacted\]/g)).toHaveLength(4);
  });
});
