export * from './connection';
export * from './errors';
export * from './inbound';
export * from './publish';
export * from './rate-limit';
// Still imported from here by src-main/core/console-core.ts; it lives in src-shared, as the renderer shows it.
export { brokerUrl } from '../../src-shared/broker/address';
