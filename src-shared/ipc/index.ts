export * from './result';
export * from './views';
export * from './contract';
export * from './bridge';
