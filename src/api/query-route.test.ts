import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './test-node.js';

let node: TestNode;
beforeAll(async () => {
  node = await startTestNode({ maxBodyBytes: 4096 });
});
afterAll(() => node.stop());

const query = (body: unknown) => node.send('POST', '/api/v1/query', body, node.tokens.viewer);

describe('POST /api/v1/query', () => {
  it('answers JSON with column names, types and JSON-safe rows', async () => {
    const res = await query({ sql: 'select 1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      columns: ['tag', 'n', 'note'],
      types: ['VARCHAR', 'BIGINT', 'VARCHAR'],
      rows: [
        ['line1.filler.temp', 3, 'plain'],
        ['line1.filler.level', 12, 'has "quotes", a comma\nand a newline'],
      ],
      truncated: false,
      elapsedMs: 1.5,
    });
    expect(node.lastQuery).toEqual({ sql: 'select 1', maxRows: 500, timeoutMs: 5000 });
  });

  it('answers RFC 4180 CSV', async () => {
    const res = await query({ sql: 'select 1', format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await res.text()).toBe('tag,n,note\r\nline1.filler.temp,3,plain\r\nline1.filler.level,12,"has ""quotes"", a comma\nand a newline"\r\n');
  });

  it('caps maxRows at api.queryMaxRows', async () => {
    await query({ sql: 'select 1', maxRows: 10 });
    expect(node.lastQuery?.maxRows).toBe(10);
    await query({ sql: 'select 1', maxRows: 1_000_000 });
    expect(node.lastQuery?.maxRows).toBe(500);
  });

  it('answers 413 for a body over api.maxBodyBytes', async () => {
    const res = await query({ sql: `select '${'x'.repeat(5000)}'` });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BODY_TOO_LARGE');
    expect(body.error.message).toContain('4096');
  });

  it('answers 413 for a chunked body over the limit too', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(1024));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await fetch(`${node.server.url}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${node.tokens.viewer}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('answers 400 for malformed JSON and invalid bodies', async () => {
    const malformed = await query('{"sql": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'BODY_MALFORMED' } });
    for (const body of [{}, { sql: '' }, { sql: 'x', format: 'xml' }, { sql: 'x', maxRows: -1 }, { sql: 'x', extra: 1 }]) {
      const res = await query(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'BODY_INVALID' } });
    }
  });

  it('maps the store query errors to 400 with their code', async () => {
    for (const code of ['QUERY_INVALID', 'QUERY_NOT_READ_ONLY', 'QUERY_TIMEOUT', 'QUERY_TOO_LARGE']) {
      const res = await query({ sql: `fail ${code}` });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { code, message: `query failed with ${code}` } });
    }
  });

  it('answers 500 without internals for an unexpected failure', async () => {
    const res = await query({ sql: 'boom' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toContain('INTERNAL');
    expect(text).not.toContain('exploded');
  });
});
