export * from './quantity/index.js';
export * from './schema/index.js';
export * from './selector/index.js';
export * from './validate/index.js';
export * from './registry/index.js';
export * from './crd/index.js';
export * from './redact/index.js';
