export * from './result';
export * from './views';
export * from './remote-views';
export * from './contract';
export * from './bridge';
