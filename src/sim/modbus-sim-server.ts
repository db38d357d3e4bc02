import { createServer } from 'node:net';
import modbusSerial from 'modbus-serial';
import { ModbusSimException, type ModbusRegisterBank } from './modbus-register-bank.js';

export interface ModbusSimServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Unit id → its memory. Requests to other unit ids answer exception 11 (gateway target failed to respond). */
  units: ReadonlyMap<number, ModbusRegisterBank>;
  /** Called before every request; may throw ModbusSimException or return a delay in ms (a slow device). */
  beforeRequest?: (unitId: number) => number | void;
}

export interface ModbusSimServer {
  host: string;
  port: number;
  /** Stops listening and drops every client connection. */
  close(): Promise<void>;
}

/** A free TCP port: modbus-serial's ServerTCP treats port 0 as "use 502". */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A Modbus TCP server (gateway style: one socket, a memory per unit id) on
 * modbus-serial's ServerTCP. Used by `fabrik sim --modbus-port` and the tests.
 */
export async function startModbusSimServer(opts: ModbusSimServerOptions): Promise<ModbusSimServer> {
  const host = opts.host ?? '127.0.0.1';
  const unit = async (id: number): Promise<ModbusRegisterBank> => {
    const delay = opts.beforeRequest?.(id);
    if (delay) await sleep(delay);
    const bank = opts.units.get(id);
    if (!bank) throw new ModbusSimException(11, `no unit ${id}`);
    return bank;
  };
  // Callback style throughout: ServerTCP only awaits promises from the single-value getters.
  type Done<T> = (err: Error | null, value: T) => void;
  const answer = <T>(id: number, done: Done<T>, fn: (bank: ModbusRegisterBank) => T): void => {
    unit(id).then(
      (bank) => done(null, fn(bank)),
      (err: Error) => (done as (err: Error) => void)(err),
    ).catch((err: Error) => (done as (err: Error) => void)(err));
  };
  const vector = {
    getMultipleHoldingRegisters: (addr: number, length: number, id: number, done: Done<number[]>) => answer(id, done, (b) => b.readWords('holding', addr, length)),
    getMultipleInputRegisters: (addr: number, length: number, id: number, done: Done<number[]>) => answer(id, done, (b) => b.readWords('input', addr, length)),
    getHoldingRegister: (addr: number, id: number, done: Done<number>) => answer(id, done, (b) => b.readWords('holding', addr, 1)[0]!),
    getInputRegister: (addr: number, id: number, done: Done<number>) => answer(id, done, (b) => b.readWords('input', addr, 1)[0]!),
    getCoil: (addr: number, id: number, done: Done<boolean>) => answer(id, done, (b) => b.readBit('coil', addr)),
    getDiscreteInput: (addr: number, id: number, done: Done<boolean>) => answer(id, done, (b) => b.readBit('discrete', addr)),
    setRegister: (addr: number, value: number, id: number, done: Done<void>) => answer(id, done, (b) => b.writeWords(addr, [value])),
    // One call per function-16 request, so a float is never seen half-written.
    setRegisterArray: (addr: number, values: number[], id: number, done: Done<void>) => answer(id, done, (b) => b.writeWords(addr, values)),
    setCoil: (addr: number, value: boolean, id: number, done: Done<void>) => answer(id, done, (b) => b.writeCoil(addr, value)),
  };
  for (let attempt = 0; ; attempt++) {
    const port = opts.port || (await freePort(host));
    const server = new modbusSerial.ServerTCP(vector, { host, port, unitID: 255 });
    const started = await new Promise<Error | null>((resolve) => {
      server.once('initialized', () => resolve(null));
      server.once('serverError', (err: Error) => resolve(err));
    });
    if (started) {
      // Another process took the free port between the probe and the listen: probe again.
      if (!opts.port && attempt < 5 && (started as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw started;
    }
    // A client that vanishes mid-request must not take the server down.
    server.on('socketError', () => {});
    server.on('error', () => {});
    return {
      host,
      port,
      close: () =>
        new Promise<void>((resolve) => {
          for (const sock of server.socks.keys()) sock.destroy();
          server.close(() => resolve());
        }),
    };
  }
}
