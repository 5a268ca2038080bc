export * from './ids';
export * from './destinations';
export * from './bodies';
export * from './envelope';
export * from './channels';
export * from './lease-find';
