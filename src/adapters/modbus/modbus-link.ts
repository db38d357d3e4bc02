import modbusSerial from 'modbus-serial';
import type { ModbusArea } from '../../config/protocols/modbus.js';
import { ModbusError, ModbusExceptionError } from './errors.js';

export interface ModbusLinkOptions {
  device: string;
  host: string;
  port: number;
  unitId: number;
  timeoutMs: number;
}

// The package is CommonJS whose typings describe an ES namespace; `.default` is the client class in both views.
const ModbusRTU = modbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

/**
 * One TCP connection to a Modbus server with typed errors: exception
 * responses become ModbusExceptionError, timeouts MODBUS_TIMEOUT, a lost or
 * refused socket MODBUS_CONNECTION. Requests are sent one at a time, since
 * many PLCs and gateways mishandle pipelined transactions.
 */
export class ModbusLink {
  readonly #opts: ModbusLinkOptions;
  #client: Client | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  /** Rejects the request in flight when the link closes: modbus-serial would wait for its timeout. */
  #abortInFlight: ((err: Error) => void) | null = null;

  constructor(opts: ModbusLinkOptions) {
    this.#opts = opts;
  }

  get open(): boolean {
    return this.#client?.isOpen ?? false;
  }

  async connect(): Promise<void> {
    this.close();
    const client = new ModbusRTU();
    const { host, port, timeoutMs, device } = this.#opts;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connectTCP(host, { port }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      client.close(() => {});
      throw new ModbusError('MODBUS_CONNECTION', device, `cannot connect to ${host}:${port}: ${(err as Error).message}; check host, port and that the server runs`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    client.setID(this.#opts.unitId);
    client.setTimeout(timeoutMs);
    this.#client = client;
  }

  /** Registers (holding/input) or bits as 0/1 (coil/discrete), `count` from `start`. */
  read(area: ModbusArea, start: number, count: number): Promise<number[]> {
    return this.#serial(`read ${area} ${start}+${count}`, async (c) => {
      switch (area) {
        case 'holding':
          return (await c.readHoldingRegisters(start, count)).data;
        case 'input':
          return (await c.readInputRegisters(start, count)).data;
        case 'coil':
          return (await c.readCoils(start, count)).data.slice(0, count).map(Number);
        case 'discrete':
          return (await c.readDiscreteInputs(start, count)).data.slice(0, count).map(Number);
      }
    });
  }

  writeRegisters(address: number, words: number[]): Promise<void> {
    return this.#serial(`write holding ${address}+${words.length}`, async (c) => {
      await c.writeRegisters(address, words);
    });
  }

  writeCoil(address: number, on: boolean): Promise<void> {
    return this.#serial(`write coil ${address}`, async (c) => {
      await c.writeCoil(address, on);
    });
  }

  close(): void {
    const c = this.#client;
    this.#client = null;
    this.#abortInFlight?.(new ModbusError('MODBUS_CONNECTION', this.#opts.device, 'connection closed'));
    if (c) {
      c.close(() => {});
      // A half-open socket may never deliver 'close'; make sure it goes away.
      (c as unknown as { _port?: { _client?: { destroy(): void } } })._port?._client?.destroy();
    }
  }

  #serial<T>(what: string, fn: (c: Client) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const c = this.#client;
      const { device } = this.#opts;
      if (!c?.isOpen) throw new ModbusError('MODBUS_CONNECTION', device, `${what}: not connected`);
      try {
        return await new Promise<T>((resolve, reject) => {
          this.#abortInFlight = reject;
          fn(c).then(resolve, reject);
        });
      } catch (err) {
        if (err instanceof ModbusError) throw err;
        const e = err as { modbusCode?: number; errno?: string; message?: string };
        if (typeof e.modbusCode === 'number') throw new ModbusExceptionError(device, e.modbusCode, what, { cause: err });
        if (e.errno === 'ETIMEDOUT') throw new ModbusError('MODBUS_TIMEOUT', device, `${what}: no answer within ${this.#opts.timeoutMs} ms`, { cause: err });
        throw new ModbusError('MODBUS_CONNECTION', device, `${what}: ${e.message ?? String(err)}`, { cause: err });
      } finally {
        this.#abortInFlight = null;
      }
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => {});
    return p;
  }
}
