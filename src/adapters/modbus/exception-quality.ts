import { Quality } from '../../core/index.js';

/**
 * The quality a value gets when its read failed with a Modbus exception.
 * 1–3 mean the config asks for something the device does not have
 * (wrong function, address or count): a config error, not a comms one.
 * 5/6 (acknowledge, busy) say the device is alive but the value is stale.
 */
export function exceptionQuality(exception: number): number {
  switch (exception) {
    case 1:
    case 2:
    case 3:
      return Quality.BadConfigError;
    case 4:
    case 8:
      return Quality.BadDeviceFailure;
    case 5:
    case 6:
      return Quality.UncertainLastUsable;
    case 10:
    case 11:
      return Quality.BadCommFailure;
    default:
      return Quality.Bad;
  }
}

/** Exceptions worth another attempt within the same poll (the device said "later"). */
export function isTransientException(exception: number): boolean {
  return exception === 5 || exception === 6 || exception === 11;
}
