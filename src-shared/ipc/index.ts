export * from './result';
export * from './views';
export * from './remote-views';
export * from './push-views';
export * from './contract';
export * from './names';
export * from './bridge';
