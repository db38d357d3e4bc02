import { StatusCodes } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { Quality } from '../../core/index.js';
import { statusToQuality } from './status-quality.js';

describe('statusToQuality', () => {
  it.each([
    ['Good', Quality.Good],
    ['GoodLocalOverride', Quality.GoodLocalOverride],
    ['GoodMoreData', Quality.Good],
    ['Uncertain', Quality.Uncertain],
    ['UncertainLastUsableValue', Quality.UncertainLastUsable],
    ['UncertainSensorNotAccurate', Quality.UncertainSensorNotAccurate],
    ['UncertainEngineeringUnitsExceeded', Quality.UncertainEuExceeded],
    ['UncertainSubNormal', Quality.UncertainSubNormal],
    ['UncertainInitialValue', Quality.Uncertain],
    ['BadNodeIdUnknown', Quality.BadConfigError],
    ['BadTypeMismatch', Quality.BadConfigError],
    ['BadCommunicationError', Quality.BadCommFailure],
    ['BadTimeout', Quality.BadCommFailure],
    ['BadNoCommunication', Quality.BadCommFailure],
    ['BadServerNotConnected', Quality.BadNotConnected],
    ['BadSensorFailure', Quality.BadSensorFailure],
    ['BadDeviceFailure', Quality.BadDeviceFailure],
    ['BadOutOfService', Quality.BadOutOfService],
    ['BadInternalError', Quality.Bad],
    ['Bad', Quality.Bad],
  ] as const)('%s → %i', (name, quality) => {
    const code = (StatusCodes as unknown as Record<string, { value: number }>)[name]!;
    expect(statusToQuality(code.value)).toBe(quality);
  });

  it('ignores the info bits (overflow, limits) of the low word', () => {
    expect(statusToQuality(StatusCodes.Good.value | 0x0480)).toBe(Quality.Good);
    expect(statusToQuality(StatusCodes.BadSensorFailure.value | 0x0100)).toBe(Quality.BadSensorFailure);
  });
});
