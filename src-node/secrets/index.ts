export * from './key-policy';
export * from './passphrase';
export * from './passphrase-sealer';
export * from './sealed-key';
export * from './sealer';
