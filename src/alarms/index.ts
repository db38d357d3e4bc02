// ISA-18.2 alarming: limit, deviation, rate and state alarms, their journal, acknowledgement and shelving.
export * from './alarm-board.js';
export * from './alarm-condition.js';
export * from './alarm-config.js';
export * from './alarm-service.js';
export * from './alarm-state.js';
export * from './errors.js';
export * from './flood-counter.js';
