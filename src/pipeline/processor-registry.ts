import { deadbandFactory } from './deadband.js';
import { lateDataFactory } from './late-data.js';
import type { ProcessorFactory } from './processor-context.js';
import { rangeFactory } from './range.js';
import { rateOfChangeFactory } from './rate-of-change.js';
import { scaleFactory } from './scale.js';
import { swingingDoorFactory } from './swinging-door.js';
import { timestampGuardFactory } from './timestamp-guard.js';
import { windowFactory } from './window.js';

/** Processor factories by `type` name. */
export type ProcessorRegistry = Map<string, ProcessorFactory>;

/**
 * A fresh registry of the built-in processors. It is a value, not a global:
 * a test or a plug-in adds to its own copy (`registry.set('my-stage', f)`)
 * and passes it to `createPipeline`.
 */
export function createProcessorRegistry(): ProcessorRegistry {
  return new Map<string, ProcessorFactory>([
    ['timestamp-guard', timestampGuardFactory],
    ['late-data', lateDataFactory],
    ['scale', scaleFactory],
    ['range', rangeFactory],
    ['rate-of-change', rateOfChangeFactory],
    ['deadband', deadbandFactory],
    ['swinging-door', swingingDoorFactory],
    ['window', windowFactory],
  ]);
}
