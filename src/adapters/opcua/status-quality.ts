import { Quality } from '../../core/index.js';

// StatusCode values (OPC UA Part 6, Annex A), upper 16 bits only: the lower bits
// carry info flags (overflow, limits) that do not change the quality.
const S = {
  GoodLocalOverride: 0x00960000,
  UncertainNoCommunicationLastUsableValue: 0x408f0000,
  UncertainLastUsableValue: 0x40900000,
  UncertainSensorNotAccurate: 0x40930000,
  UncertainEngineeringUnitsExceeded: 0x40940000,
  UncertainSubNormal: 0x40950000,
  BadCommunicationError: 0x80050000,
  BadTimeout: 0x800a0000,
  BadShutdown: 0x800c0000,
  BadServerNotConnected: 0x800d0000,
  BadServerHalted: 0x800e0000,
  BadSessionClosed: 0x80260000,
  BadNoCommunication: 0x80310000,
  BadWaitingForInitialData: 0x80320000,
  BadNodeIdInvalid: 0x80330000,
  BadNodeIdUnknown: 0x80340000,
  BadAttributeIdInvalid: 0x80350000,
  BadIndexRangeInvalid: 0x80360000,
  BadNotReadable: 0x803a0000,
  BadUserAccessDenied: 0x801f0000,
  BadTypeMismatch: 0x80740000,
  BadRequestTimeout: 0x80850000,
  BadSecureChannelClosed: 0x80860000,
  BadConfigurationError: 0x80890000,
  BadNotConnected: 0x808a0000,
  BadDeviceFailure: 0x808b0000,
  BadSensorFailure: 0x808c0000,
  BadOutOfService: 0x808d0000,
  BadConnectionClosed: 0x80ae0000,
} as const;

const BAD: ReadonlyMap<number, number> = new Map([
  [S.BadNodeIdInvalid, Quality.BadConfigError],
  [S.BadNodeIdUnknown, Quality.BadConfigError],
  [S.BadAttributeIdInvalid, Quality.BadConfigError],
  [S.BadIndexRangeInvalid, Quality.BadConfigError],
  [S.BadNotReadable, Quality.BadConfigError],
  [S.BadUserAccessDenied, Quality.BadConfigError],
  [S.BadTypeMismatch, Quality.BadConfigError],
  [S.BadConfigurationError, Quality.BadConfigError],
  [S.BadCommunicationError, Quality.BadCommFailure],
  [S.BadTimeout, Quality.BadCommFailure],
  [S.BadRequestTimeout, Quality.BadCommFailure],
  [S.BadNoCommunication, Quality.BadCommFailure],
  [S.BadSecureChannelClosed, Quality.BadCommFailure],
  [S.BadConnectionClosed, Quality.BadCommFailure],
  [S.BadSessionClosed, Quality.BadCommFailure],
  [S.BadShutdown, Quality.BadNotConnected],
  [S.BadServerHalted, Quality.BadNotConnected],
  [S.BadServerNotConnected, Quality.BadNotConnected],
  [S.BadNotConnected, Quality.BadNotConnected],
  [S.BadWaitingForInitialData, Quality.BadNotConnected],
  [S.BadDeviceFailure, Quality.BadDeviceFailure],
  [S.BadSensorFailure, Quality.BadSensorFailure],
  [S.BadOutOfService, Quality.BadOutOfService],
]);

const UNCERTAIN: ReadonlyMap<number, number> = new Map([
  [S.UncertainLastUsableValue, Quality.UncertainLastUsable],
  [S.UncertainNoCommunicationLastUsableValue, Quality.UncertainLastUsable],
  [S.UncertainSensorNotAccurate, Quality.UncertainSensorNotAccurate],
  [S.UncertainEngineeringUnitsExceeded, Quality.UncertainEuExceeded],
  [S.UncertainSubNormal, Quality.UncertainSubNormal],
]);

/**
 * Maps an OPC UA StatusCode (its 32-bit value) onto the OPC DA quality byte
 * Fabrik stores: the severity bits pick good/uncertain/bad, known sub-codes
 * keep their meaning, everything else falls to the plain level.
 */
export function statusToQuality(status: number): number {
  const code = (status & 0xffff0000) >>> 0;
  const severity = code >>> 30;
  if (severity === 0) return code === S.GoodLocalOverride ? Quality.GoodLocalOverride : Quality.Good;
  if (severity === 1) return UNCERTAIN.get(code) ?? Quality.Uncertain;
  return BAD.get(code) ?? Quality.Bad;
}
