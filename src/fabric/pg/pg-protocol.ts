/**
 * PostgreSQL frontend/backend protocol v3 framing: splitting the byte stream
 * into messages and building the backend's replies. No I/O here; the
 * session feeds bytes in and writes the buffers out.
 */

/** A frontend message: its type byte ('' for the untyped startup packets) and body. */
export interface FrontendMessage {
  type: string;
  body: Buffer;
}

/** The protocol's magic startup codes. */
export const SSL_REQUEST = 80877103;
export const GSS_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 196608;

/** Longest message accepted (a query text of 100,000 characters fits easily). */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Splits incoming bytes into messages; before startup completes, messages have no type byte. */
export class MessageReader {
  #buf: Buffer = Buffer.alloc(0);
  startup = true;

  push(chunk: Buffer): FrontendMessage[] {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: FrontendMessage[] = [];
    for (;;) {
      const head = this.startup ? 0 : 1;
      if (this.#buf.length < head + 4) break;
      const len = this.#buf.readInt32BE(head);
      if (len < 4 || len > MAX_MESSAGE_BYTES) throw new Error(`message length ${len} is out of range`);
      if (this.#buf.length < head + len) break;
      out.push({ type: this.startup ? '' : String.fromCharCode(this.#buf[0]!), body: this.#buf.subarray(head + 4, head + len) });
      this.#buf = this.#buf.subarray(head + len);
      if (this.startup) {
        const code = out.at(-1)!.body.length >= 4 ? out.at(-1)!.body.readInt32BE(0) : 0;
        // SSL/GSS requests are followed by another untyped startup packet.
        if (code === PROTOCOL_3) this.startup = false;
      }
    }
    return out;
  }
}

/** Reads fields out of a message body. */
export class BodyReader {
  #at = 0;
  constructor(private readonly body: Buffer) {}
  int16(): number {
    const v = this.body.readInt16BE(this.#at);
    this.#at += 2;
    return v;
  }
  int32(): number {
    const v = this.body.readInt32BE(this.#at);
    this.#at += 4;
    return v;
  }
  cstring(): string {
    const end = this.body.indexOf(0, this.#at);
    if (end < 0) throw new Error('unterminated string in message');
    const s = this.body.toString('utf8', this.#at, end);
    this.#at = end + 1;
    return s;
  }
  bytes(n: number): Buffer {
    const b = this.body.subarray(this.#at, this.#at + n);
    this.#at += n;
    return b;
  }
}

/** Builds one backend message. */
export function message(type: string, ...parts: (Buffer | string | number[])[]): Buffer {
  const bodies = parts.map((p) => (typeof p === 'string' ? Buffer.from(`${p}\0`, 'utf8') : Array.isArray(p) ? Buffer.from(p) : p));
  const len = bodies.reduce((n, b) => n + b.length, 4);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(len, 1);
  return Buffer.concat([head, ...bodies]);
}

export const int16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
export const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

export const authOk = (): Buffer => message('R', int32(0));
export const authCleartext = (): Buffer => message('R', int32(3));
export const parameterStatus = (name: string, value: string): Buffer => message('S', name, value);
export const backendKey = (pid: number, secret: number): Buffer => message('K', int32(pid), int32(secret));
export const readyForQuery = (status: 'I' | 'T' | 'E'): Buffer => message('Z', Buffer.from(status, 'latin1'));
export const commandComplete = (tag: string): Buffer => message('C', tag);
export const emptyQuery = (): Buffer => message('I');
export const parseComplete = (): Buffer => message('1');
export const bindComplete = (): Buffer => message('2');
export const closeComplete = (): Buffer => message('3');
export const noData = (): Buffer => message('n');
export const portalSuspended = (): Buffer => message('s');

export function parameterDescription(oids: readonly number[]): Buffer {
  return message('t', int16(oids.length), ...oids.map(int32));
}

/** A column of a RowDescription. */
export interface WireColumn {
  name: string;
  oid: number;
  size: number;
  format: 0 | 1;
}

export function rowDescription(cols: readonly WireColumn[]): Buffer {
  const parts: Buffer[] = [int16(cols.length)];
  for (const c of cols) parts.push(Buffer.from(`${c.name}\0`, 'utf8'), int32(0), int16(0), int32(c.oid), int16(c.size), int32(-1), int16(c.format));
  return message('T', ...parts);
}

/** A DataRow of already-encoded values (null = SQL NULL). */
export function dataRow(values: readonly (Buffer | null)[]): Buffer {
  let len = 4 + 2;
  for (const v of values) len += 4 + (v ? v.length : 0);
  const out = Buffer.allocUnsafe(1 + len);
  out.write('D', 0, 'latin1');
  out.writeInt32BE(len, 1);
  out.writeInt16BE(values.length, 5);
  let at = 7;
  for (const v of values) {
    if (!v) {
      out.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    out.writeInt32BE(v.length, at);
    v.copy(out, at + 4);
    at += 4 + v.length;
  }
  return out;
}

/** ErrorResponse / NoticeResponse with severity, SQLSTATE and message (and an optional hint). */
export function errorResponse(sqlstate: string, text: string, hint?: string, type: 'E' | 'N' = 'E', severity = type === 'E' ? 'ERROR' : 'NOTICE'): Buffer {
  const fields = [`S${severity}`, `V${severity}`, `C${sqlstate}`, `M${text}`, ...(hint ? [`H${hint}`] : [])];
  return message(type, ...fields, Buffer.from([0]));
}
