import type { Socket } from 'node:net';
import type { QueryResult } from '../../store/index.js';
import { errorMessage } from '../errors.js';
import type { Fabric } from '../fabric.js';
import { bindParameters, countParameters, interceptStatement, splitStatements } from './pg-dialect.js';
import * as wire from './pg-protocol.js';
import { encodeBinary, encodeText, hasBinary, OID, parameterLiteral, pgTypeOf } from './pg-types.js';

interface Prepared {
  query: string;
  oids: number[];
}

interface Outcome {
  columns: { name: string; type: string }[] | null;
  rows: unknown[][];
  tag: string;
  notice?: string;
}

interface Portal {
  sql: string;
  formats: number[];
  outcome?: Outcome;
  cursor: number;
}

const SHOWABLE: Record<string, string> = {
  server_version: '15.0', server_version_num: '150000', server_encoding: 'UTF8', client_encoding: 'UTF8', datestyle: 'ISO, MDY', timezone: 'UTC',
  integer_datetimes: 'on', standard_conforming_strings: 'on', transaction_isolation: 'read committed', default_transaction_read_only: 'on',
  transaction_read_only: 'on', max_identifier_length: '63', search_path: '"$user", public', intervalstyle: 'postgres', is_superuser: 'off',
  lc_collate: 'C', lc_ctype: 'C', extra_float_digits: '1', application_name: '',
};

let nextPid = 1000;

/**
 * One PostgreSQL client connection: startup and password (= API token)
 * authentication, then the simple and extended query protocols, answered
 * through the fabric with the same read-only rules as the HTTP API.
 * Database "site" (or SET fabrik.scope = site) runs queries on the whole site.
 */
export class PgSession {
  readonly #socket: Socket;
  readonly #fabric: Fabric;
  readonly #reader = new wire.MessageReader();
  readonly #settings = new Map<string, string>();
  readonly #prepared = new Map<string, Prepared>();
  readonly #portals = new Map<string, Portal>();
  #chain: Promise<void> = Promise.resolve();
  #authenticated = false;
  #awaitingPassword = false;
  #tx: 'I' | 'T' | 'E' = 'I';
  #skipToSync = false;
  #closed = false;

  constructor(socket: Socket, fabric: Fabric) {
    this.#socket = socket;
    this.#fabric = fabric;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let messages: wire.FrontendMessage[];
      try {
        messages = this.#reader.push(chunk);
      } catch (err) {
        this.#fatal('08P01', `protocol error: ${errorMessage(err)}`);
        return;
      }
      for (const m of messages) this.#chain = this.#chain.then(() => this.#handle(m)).catch((err: unknown) => this.#fatal('XX000', errorMessage(err)));
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => (this.#closed = true));
  }

  get #scope(): 'site' | 'local' {
    return (this.#settings.get('fabrik.scope') ?? (this.#settings.get('database') === 'site' ? 'site' : 'local')) === 'site' ? 'site' : 'local';
  }

  async #handle(m: wire.FrontendMessage): Promise<void> {
    if (this.#closed) return;
    if (m.type === '') return this.#startup(m.body);
    if (this.#awaitingPassword) {
      if (m.type !== 'p') return this.#fatal('08P01', 'expected a password message');
      const token = new wire.BodyReader(m.body).cstring();
      if (!this.#fabric.tokens.verify(token)) return this.#fatal('28P01', 'password authentication failed: the password is an API token of this node (fabrik token create --role viewer)');
      this.#awaitingPassword = false;
      this.#authenticated = true;
      const params = [
        ['server_version', '15.0'], ['server_encoding', 'UTF8'], ['client_encoding', 'UTF8'], ['DateStyle', 'ISO, MDY'], ['TimeZone', 'UTC'],
        ['integer_datetimes', 'on'], ['standard_conforming_strings', 'on'], ['IntervalStyle', 'postgres'], ['is_superuser', 'off'],
        ['application_name', this.#settings.get('application_name') ?? ''], ['default_transaction_read_only', 'on'],
      ];
      return this.#send(wire.authOk(), ...params.map(([k, v]) => wire.parameterStatus(k!, v!)), wire.backendKey(nextPid++, Math.floor(Math.random() * 2 ** 31)), wire.readyForQuery('I'));
    }
    if (!this.#authenticated) return this.#fatal('28000', 'not authenticated');
    if (this.#skipToSync && m.type !== 'S') return;
    const r = new wire.BodyReader(m.body);
    switch (m.type) {
      case 'Q':
        return this.#simpleQuery(r.cstring());
      case 'P':
        return this.#extended(async () => {
          const name = r.cstring();
          const query = r.cstring();
          const n = r.int16();
          const oids = Array.from({ length: n }, () => r.int32());
          this.#prepared.set(name, { query, oids });
          await this.#send(wire.parseComplete());
        });
      case 'B':
        return this.#extended(async () => {
          const portal = r.cstring();
          const stmt = this.#statement(r.cstring());
          const formats = Array.from({ length: r.int16() }, () => r.int16());
          const values = Array.from({ length: r.int16() }, () => {
            const len = r.int32();
            return len < 0 ? null : r.bytes(len);
          });
          const resultFormats = Array.from({ length: r.int16() }, () => r.int16());
          const literals = values.map((v, i) => parameterLiteral(v, formats.length === 1 ? formats[0]! : formats[i] ?? 0, stmt.oids[i] ?? 0));
          this.#portals.set(portal, { sql: bindParameters(stmt.query, literals), formats: resultFormats, cursor: 0 });
          await this.#send(wire.bindComplete());
        });
      case 'D':
        return this.#extended(async () => {
          const kind = String.fromCharCode(r.bytes(1)[0]!);
          const name = r.cstring();
          if (kind === 'S') {
            const stmt = this.#statement(name);
            const n = Math.max(stmt.oids.length, countParameters(stmt.query));
            const oids = Array.from({ length: n }, (_, i) => stmt.oids[i] || OID.text);
            const outcome = await this.#describeOnly(bindParameters(stmt.query, oids.map(() => 'NULL')));
            await this.#send(wire.parameterDescription(oids), outcome?.columns ? this.#rowDescription(outcome.columns, []) : wire.noData());
          } else {
            const portal = this.#portal(name);
            portal.outcome ??= await this.#run(portal.sql);
            await this.#send(portal.outcome.columns ? this.#rowDescription(portal.outcome.columns, portal.formats) : wire.noData());
          }
        });
      case 'E':
        return this.#extended(async () => {
          const portal = this.#portal(r.cstring());
          const max = r.int32();
          portal.outcome ??= await this.#run(portal.sql);
          await this.#sendRows(portal, max);
        });
      case 'S':
        this.#skipToSync = false;
        this.#portals.delete('');
        return this.#send(wire.readyForQuery(this.#tx));
      case 'C': {
        const kind = String.fromCharCode(r.bytes(1)[0]!);
        const name = r.cstring();
        if (kind === 'S') this.#prepared.delete(name);
        else this.#portals.delete(name);
        return this.#send(wire.closeComplete());
      }
      case 'H':
        return;
      case 'X':
        this.#socket.end();
        return;
      default:
        return this.#fatal('08P01', `unsupported message type "${m.type}"`);
    }
  }

  async #startup(body: Buffer): Promise<void> {
    const code = body.readInt32BE(0);
    if (code === wire.SSL_REQUEST || code === wire.GSS_REQUEST) return this.#send(Buffer.from('N'));
    if (code === wire.CANCEL_REQUEST) {
      this.#socket.end();
      return;
    }
    if (code !== wire.PROTOCOL_3) return this.#fatal('08P01', `unsupported protocol ${code >> 16}.${code & 0xffff}; use protocol 3.0`);
    const r = new wire.BodyReader(body.subarray(4));
    for (;;) {
      const key = r.cstring();
      if (key === '') break;
      this.#settings.set(key.toLowerCase(), r.cstring());
    }
    this.#awaitingPassword = true;
    await this.#send(wire.authCleartext());
  }

  async #simpleQuery(text: string): Promise<void> {
    const statements = splitStatements(text);
    if (statements.length === 0) return this.#send(wire.emptyQuery(), wire.readyForQuery(this.#tx));
    for (const s of statements) {
      try {
        const outcome = await this.#run(s);
        const portal: Portal = { sql: s, formats: [], outcome, cursor: 0 };
        if (outcome.columns) await this.#send(this.#rowDescription(outcome.columns, []));
        await this.#sendRows(portal, 0);
      } catch (err) {
        await this.#sendError(err);
        break;
      }
    }
    await this.#send(wire.readyForQuery(this.#tx));
  }

  async #extended(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      await this.#sendError(err);
      this.#skipToSync = true;
    }
  }

  /** Runs one statement: session commands here, SQL through the fabric. */
  async #run(statement: string): Promise<Outcome> {
    const i = interceptStatement(statement, '0.1.0');
    switch (i.kind) {
      case 'empty':
        return { columns: null, rows: [], tag: '' };
      case 'set':
        this.#settings.set(i.name, i.value);
        return { columns: null, rows: [], tag: 'SET' };
      case 'show': {
        const value = this.#settings.get(i.name) ?? SHOWABLE[i.name];
        if (value === undefined) throw Object.assign(new Error(`unrecognized configuration parameter "${i.name}"`), { sqlstate: '42704' });
        return { columns: [{ name: i.name, type: 'VARCHAR' }], rows: [[value]], tag: 'SHOW' };
      }
      case 'tx':
        this.#tx = i.tag === 'BEGIN' ? 'T' : 'I';
        return { columns: null, rows: [], tag: i.tag };
      case 'ack':
        return { columns: null, rows: [], tag: i.tag };
      case 'refuse':
        throw Object.assign(new Error(i.message), { sqlstate: '25006' });
      case 'query': {
        const r: QueryResult & { truncated: boolean; partial?: boolean; missing?: { node: string }[] } = await this.#fabric.query(i.sql, {
          scope: this.#scope, maxRows: this.#fabric.queryMaxRows, timeoutMs: this.#fabric.queryTimeoutMs,
        });
        const notes = [
          ...(r.truncated ? [`result truncated at ${r.rows.length} rows (api.queryMaxRows); narrow the query`] : []),
          ...(r.partial ? [`partial result: no answer from ${r.missing?.map((m) => m.node).join(', ')}`] : []),
        ];
        return { columns: r.columns, rows: r.rows, tag: `SELECT ${r.rows.length}`, ...(notes.length ? { notice: notes.join('; ') } : {}) };
      }
    }
  }

  /** Columns of a statement without running all of it (for Describe of a prepared statement). */
  async #describeOnly(sql: string): Promise<Outcome | undefined> {
    const i = interceptStatement(sql, '0.1.0');
    if (i.kind === 'show') return { columns: [{ name: i.name, type: 'VARCHAR' }], rows: [], tag: 'SHOW' };
    if (i.kind !== 'query') return undefined;
    try {
      return await this.#run(`SELECT * FROM (${i.sql}) AS q LIMIT 0`);
    } catch {
      return this.#run(sql);
    }
  }

  #rowDescription(columns: readonly { name: string; type: string }[], formats: readonly number[]): Buffer {
    return wire.rowDescription(columns.map((c, i) => {
      const t = pgTypeOf(c.type);
      const want = formats.length === 1 ? formats[0] : formats[i] ?? 0;
      return { name: c.name, oid: t.oid, size: t.size, format: want === 1 && hasBinary(t.oid) ? 1 : 0 };
    }));
  }

  async #sendRows(portal: Portal, max: number): Promise<void> {
    const o = portal.outcome!;
    if (!o.columns) {
      await this.#send(o.tag ? wire.commandComplete(o.tag) : wire.emptyQuery());
      return;
    }
    const types = o.columns.map((c) => pgTypeOf(c.type).oid);
    const binary = o.columns.map((_, i) => {
      const want = portal.formats.length === 1 ? portal.formats[0] : portal.formats[i] ?? 0;
      return want === 1 && hasBinary(types[i]!);
    });
    const end = max > 0 ? Math.min(o.rows.length, portal.cursor + max) : o.rows.length;
    let batch: Buffer[] = [];
    for (; portal.cursor < end; portal.cursor++) {
      const row = o.rows[portal.cursor]!;
      batch.push(wire.dataRow(row.map((v, i) => (v === null || v === undefined ? null : binary[i] ? encodeBinary(v, types[i]!) : encodeText(v, types[i]!)))));
      if (batch.length >= 512) {
        await this.#send(...batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.#send(...batch);
    if (portal.cursor < o.rows.length) return this.#send(wire.portalSuspended());
    if (o.notice) await this.#send(wire.errorResponse('01000', o.notice, undefined, 'N'));
    await this.#send(wire.commandComplete(o.tag));
  }

  #statement(name: string): Prepared {
    const s = this.#prepared.get(name);
    if (!s) throw Object.assign(new Error(`prepared statement "${name}" does not exist`), { sqlstate: '26000' });
    return s;
  }

  #portal(name: string): Portal {
    const p = this.#portals.get(name);
    if (!p) throw Object.assign(new Error(`portal "${name}" does not exist`), { sqlstate: '34000' });
    return p;
  }

  async #sendError(err: unknown): Promise<void> {
    if (this.#tx === 'T') this.#tx = 'E';
    const e = err as { code?: string; sqlstate?: string };
    await this.#send(wire.errorResponse(e.sqlstate ?? sqlstateOf(e.code), errorMessage(err)));
  }

  #fatal(sqlstate: string, message: string): void {
    if (this.#closed) return;
    this.#socket.end(wire.errorResponse(sqlstate, message, undefined, 'E', 'FATAL'));
    this.#closed = true;
  }

  async #send(...buffers: Buffer[]): Promise<void> {
    if (this.#closed || buffers.length === 0) return;
    const ok = this.#socket.write(buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers));
    if (!ok) await new Promise<void>((resolve) => {
      const done = (): void => {
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.once('drain', done);
      this.#socket.once('close', done);
    });
  }
}

function sqlstateOf(code: string | undefined): string {
  switch (code) {
    case 'QUERY_NOT_READ_ONLY':
      return '25006';
    case 'QUERY_INVALID':
      return '42601';
    case 'QUERY_TIMEOUT':
      return '57014';
    case 'QUERY_TOO_LARGE':
      return '54000';
    case 'FABRIC_NOT_DECOMPOSABLE':
    case 'FABRIC_EDGELAKE_UNSUPPORTED':
      return '0A000';
    case 'FABRIC_SOURCE_UNAVAILABLE':
    case 'FABRIC_PARTIAL':
      return '08006';
    case 'QUERY_FAILED':
    case 'FABRIC_TOO_MANY_GROUPS':
    case 'FABRIC_SOURCE_TOO_LARGE':
      return '22000';
    default:
      return 'XX000';
  }
}
