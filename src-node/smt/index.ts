export * from './connection';
export * from './errors';
export * from './inbound';
export * from './publish';
export * from './rate-limit';
export * from './routes';
