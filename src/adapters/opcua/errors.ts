import { FabrikError } from '../../core/index.js';

export type OpcuaErrorCode =
  | 'OPCUA_WRONG_PROTOCOL'
  | 'OPCUA_INVALID_CONFIG'
  | 'OPCUA_UNKNOWN_TAG'
  | 'OPCUA_NOT_WRITABLE'
  | 'OPCUA_WRITE_FAILED'
  | 'OPCUA_NOT_CONNECTED'
  | 'OPCUA_CONNECT_FAILED'
  | 'OPCUA_CERTIFICATE_NOT_FOUND'
  | 'OPCUA_DISCOVERY_FAILED';

/** Anything the OPC UA adapter refuses or fails to do; `code` is stable, `message` says what to do. */
export class OpcuaError extends FabrikError {
  declare readonly code: OpcuaErrorCode;

  constructor(code: OpcuaErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'OpcuaError';
  }

  static is(x: unknown, code?: OpcuaErrorCode): x is OpcuaError {
    return x instanceof OpcuaError && (code === undefined || x.code === code);
  }
}
