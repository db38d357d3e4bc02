import { z } from 'zod';
import { duration } from '../primitives.js';
import { deviceBase, tagBindingSchema } from '../tag-binding.js';

export const MODBUS_AREAS = ['holding', 'input', 'coil', 'discrete'] as const;
export const MODBUS_VALUE_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'bool'] as const;
/**
 * Byte layout of a multi-register value, A the most significant byte. ABCD is
 * the Modbus default (big-endian words, high word first); CDAB swaps words,
 * BADC swaps bytes within each word, DCBA does both.
 */
export const MODBUS_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;

const AREA_PREFIX = { hr: 'holding', ir: 'input', co: 'coil', di: 'discrete' } as const;
const PREFIX_OF = { holding: 'hr', input: 'ir', coil: 'co', discrete: 'di' } as const;
const ADDRESS_SYNTAX = /^(hr|ir|co|di):(\d{1,5})(?:\.(\d{1,2}))?(?::(int16|uint16|int32|uint32|float32|float64|bool))?(?::(ABCD|CDAB|BADC|DCBA))?$/;
const ADDRESS_HELP =
  'expected a Modbus address "<area>:<address>[.<bit>][:<type>][:<order>]": area hr (holding), ir (input), co (coil) or di (discrete input); ' +
  'a 0-based address 0..65535; e.g. "hr:100:float32", "hr:100:float32:CDAB", "ir:7:uint32", "hr:12.3" (bit 3 of register 12), "co:5"';

export const modbusRegisterSchema = z
  .object({
    area: z.enum(MODBUS_AREAS),
    address: z.number().int().min(0).max(65535).describe('0-based protocol address (holding register 40001 is address 0).'),
    type: z.enum(MODBUS_VALUE_TYPES).optional().describe('Default: uint16 for registers (bool when `bit` is set), bool for coils and discrete inputs.'),
    order: z.enum(MODBUS_ORDERS).optional().describe('Overrides the device order for this value.'),
    bit: z.number().int().min(0).max(15).optional().describe('Bit field: bit 0 (least significant) .. 15 of one register, read as bool.'),
  })
  .strict();

export type ModbusArea = (typeof MODBUS_AREAS)[number];
export type ModbusValueType = (typeof MODBUS_VALUE_TYPES)[number];
export type ModbusOrder = (typeof MODBUS_ORDERS)[number];
/** A register binding after validation: type always set. */
export interface ModbusRegister {
  area: ModbusArea;
  address: number;
  type: ModbusValueType;
  order?: ModbusOrder;
  bit?: number;
}

const WIDTH: Record<ModbusValueType, number> = { int16: 1, uint16: 1, bool: 1, int32: 2, uint32: 2, float32: 2, float64: 4 };

/** Parses "hr:100:float32:CDAB" and friends; null when malformed. */
export function parseModbusAddress(text: string): z.input<typeof modbusRegisterSchema> | null {
  const m = ADDRESS_SYNTAX.exec(text.trim());
  if (!m) return null;
  const [, prefix, address, bit, type, order] = m;
  return {
    area: AREA_PREFIX[prefix as keyof typeof AREA_PREFIX],
    address: Number(address),
    ...(bit !== undefined ? { bit: Number(bit) } : {}),
    ...(type ? { type: type as ModbusValueType } : {}),
    ...(order ? { order: order as ModbusOrder } : {}),
  };
}

/** The canonical address string of a register binding, e.g. "hr:100:float32". */
export function formatModbusAddress(r: ModbusRegister): string {
  const bit = r.bit !== undefined ? `.${r.bit}` : '';
  const bitArea = r.area === 'coil' || r.area === 'discrete';
  const type = bitArea || r.bit !== undefined ? '' : `:${r.type}`;
  return `${PREFIX_OF[r.area]}:${r.address}${bit}${type}${r.order ? `:${r.order}` : ''}`;
}

type Issue = { path: (string | number)[]; message: string };

/** Fills the default type and checks that area, type, bit and order fit together. */
function checkRegister(input: z.output<typeof modbusRegisterSchema>, writable: boolean): { register: ModbusRegister; issues: Issue[] } {
  const issues: Issue[] = [];
  const bitArea = input.area === 'coil' || input.area === 'discrete';
  const type: ModbusValueType = input.type ?? (bitArea || input.bit !== undefined ? 'bool' : 'uint16');
  const register: ModbusRegister = { ...input, type };
  if (bitArea) {
    if (type !== 'bool') issues.push({ path: ['register', 'type'], message: `${input.area} values are single bits: type must be bool, got ${type}` });
    if (input.bit !== undefined || input.order) issues.push({ path: ['register'], message: `bit and order apply to registers, not to a ${input.area}` });
  } else if (input.bit !== undefined && type !== 'bool') {
    issues.push({ path: ['register', 'type'], message: `a bit field reads one bit as bool; drop "type: ${type}" or the bit` });
  }
  if (input.address + WIDTH[type] - 1 > 65535) {
    issues.push({ path: ['register', 'address'], message: `a ${type} at ${input.address} runs past the last address 65535` });
  }
  if (writable && (input.area === 'input' || input.area === 'discrete')) {
    issues.push({ path: ['writable'], message: `${input.area === 'input' ? 'input registers' : 'discrete inputs'} are read-only in Modbus; bind a holding register or coil to write` });
  }
  return { register, issues };
}

/**
 * Resolves a validated modbus tag's address into its register. The schema has
 * already checked it, so this only throws for addresses that bypassed it.
 */
export function modbusRegisterOf(address: string): ModbusRegister {
  const parsed = parseModbusAddress(address);
  const checked = parsed && modbusRegisterSchema.safeParse(parsed);
  if (!checked?.success) throw new TypeError(`${ADDRESS_HELP}; got ${JSON.stringify(address)}`);
  return checkRegister(checked.data, false).register;
}

/**
 * A modbus tag: the common binding whose `address` uses the register syntax
 * (see ADDRESS_HELP), plus an optional per-tag poll interval. The output
 * address is canonical ("hr:100:float32"), so equal registers compare equal.
 *
 * Why a string and not a structured `register` object: every protocol's tag
 * shares `address: string`, and code written against the common binding keeps
 * working; `modbusRegisterOf()` gives the structured form.
 */
export const modbusTagSchema = tagBindingSchema
  .extend({
    address: z.string().min(1).describe(ADDRESS_HELP),
    interval: duration.optional().describe('Poll interval of this tag; defaults to the device interval.'),
  })
  .strict()
  .transform((t, ctx) => {
    const fail = (i: Issue): void => ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
    const parsed = parseModbusAddress(t.address);
    if (!parsed) {
      fail({ path: ['address'], message: `${ADDRESS_HELP}; got ${JSON.stringify(t.address)}` });
      return z.NEVER;
    }
    const checked = modbusRegisterSchema.safeParse(parsed);
    if (!checked.success) {
      fail({ path: ['address'], message: `address "${t.address}": ${checked.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` });
      return z.NEVER;
    }
    const { register, issues } = checkRegister(checked.data, t.writable);
    if (t.type === 'string') issues.push({ path: ['type'], message: 'Modbus values are numeric; declare the tag as number, integer or boolean' });
    if (issues.length > 0) {
      for (const i of issues) fail({ path: i.path[0] === 'register' ? ['address'] : i.path, message: i.message });
      return z.NEVER;
    }
    return { ...t, address: formatModbusAddress(register) };
  });

export const modbusOptionsSchema = z
  .object({
    host: z.string().min(1).describe('Host name or IP of the Modbus TCP server (PLC or gateway).'),
    port: z.number().int().min(1).max(65535).default(502),
    unitId: z.number().int().min(0).max(255).default(1).describe('Unit (slave) id; matters behind gateways, most PLCs ignore it.'),
    timeout: duration.prefault('1s').describe('How long one request may take before it counts as a timeout.'),
    retries: z.number().int().min(0).max(10).default(1).describe('Extra attempts after a timeout or a busy device, within one poll.'),
    order: z.enum(MODBUS_ORDERS).default('ABCD').describe('Byte/word order of multi-register values (see MODBUS_ORDERS); tags may override.'),
    maxRegistersPerRead: z.number().int().min(1).max(125).default(125).describe('Upper bound of one register read (the protocol allows 125).'),
    maxBitsPerRead: z.number().int().min(1).max(2000).default(2000).describe('Upper bound of one coil or discrete-input read (the protocol allows 2000).'),
    maxGap: z
      .number()
      .int()
      .min(0)
      .max(124)
      .default(16)
      .describe('Unused addresses one read may span to merge two neighbouring ranges; 0 merges only contiguous ones. A merged read the device refuses is split per tag.'),
    reconnectDelay: duration.prefault('500ms').describe('First wait before reconnecting; doubles up to maxReconnectDelay.'),
    maxReconnectDelay: duration.prefault('30s'),
  })
  .strict();

/** A Modbus TCP server (PLC, gateway); one connection per device. */
export const modbusDeviceSchema = z
  .object({
    ...deviceBase,
    protocol: z.literal('modbus'),
    options: modbusOptionsSchema,
    tags: z.array(modbusTagSchema).default([]),
  })
  .strict();

export type ModbusDeviceConfig = z.output<typeof modbusDeviceSchema>;
export type ModbusDeviceInput = z.input<typeof modbusDeviceSchema>;
export type ModbusTagConfig = z.output<typeof modbusTagSchema>;
export type ModbusOptions = z.output<typeof modbusOptionsSchema>;
